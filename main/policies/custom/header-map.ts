/**
 * The SDK's HeaderMap over the gateway's own header objects (request headers as Node parsed
 * them, response heads as they will be written): no copy, so a change is what goes out.
 * Node keeps incoming names in lower case; response heads built elsewhere may not, so a lookup
 * falls back to a case-insensitive scan there.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { HeaderMap } from '../../../shared/policy-sdk';

type Headers = IncomingHttpHeaders | OutgoingHttpHeaders;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export class GatewayHeaderMap implements HeaderMap {
  /** Set once anything was changed: the trace says `modify` instead of `allow`. */
  changed = false;

  constructor(
    private readonly headers: Headers,
    private readonly mixedCase: boolean,
  ) {}

  get(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }

  getAll(name: string): string[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    return Array.isArray(value) ? value.map(String) : [String(value)];
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  set(name: string, value: string | string[]): void {
    const key = checkedName(name);
    const values = checkedValues(name, value);
    this.remove(key);
    (this.headers as Record<string, unknown>)[key] = values.length === 1 ? values[0] : values;
    this.changed = true;
  }

  append(name: string, value: string): void {
    const existing = this.getAll(name);
    this.set(name, existing.length === 0 ? value : [...existing, value]);
  }

  delete(name: string): void {
    if (this.remove(name.toLowerCase())) this.changed = true;
  }

  entries(): [string, string | string[]][] {
    const out: [string, string | string[]][] = [];
    for (const name in this.headers) {
      const value = this.headers[name];
      if (value === undefined) continue;
      out.push([name.toLowerCase(), Array.isArray(value) ? value.map(String) : String(value)]);
    }
    return out;
  }

  private raw(name: string): string | number | string[] | undefined {
    const key = name.toLowerCase();
    const direct = this.headers[key];
    if (direct !== undefined || !this.mixedCase) return direct;
    for (const other in this.headers) if (other.toLowerCase() === key) return this.headers[other];
    return undefined;
  }

  private remove(key: string): boolean {
    let removed = false;
    const headers = this.headers as Record<string, unknown>;
    if (headers[key] !== undefined) {
      delete headers[key];
      removed = true;
    }
    if (this.mixedCase)
      for (const other of Object.keys(headers))
        if (other !== key && other.toLowerCase() === key) {
          delete headers[other];
          removed = true;
        }
    return removed;
  }
}

/** A bad name or value fails the hook at the call, naming the header, not later as a broken response. */
function checkedName(name: string): string {
  if (typeof name !== 'string' || !TOKEN.test(name)) throw new TypeError(`headers.set: ${JSON.stringify(name)} is not a valid header name`);
  return name.toLowerCase();
}

function checkedValues(name: string, value: string | string[]): string[] {
  const values = Array.isArray(value) ? value : [value];
  for (const item of values) {
    if (typeof item !== 'string') throw new TypeError(`headers.set("${name}"): the value must be a string, got ${typeof item}`);
    if (/[\r\n\0]/.test(item)) throw new TypeError(`headers.set("${name}"): a header value cannot contain line breaks`);
  }
  return values.slice();
}
