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
    // One string (the usual case) is stored as is, without a list made and copied.
    const stored = typeof value === 'string' ? checkedValue(name, value) : storedList(name, value);
    this.remove(key);
    (this.headers as Record<string, unknown>)[key] = stored;
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

const LINE_BREAK = /[\r\n\0]/;

function checkedValue(name: string, value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`headers.set("${name}"): the value must be a string, got ${typeof value}`);
  if (LINE_BREAK.test(value)) throw new TypeError(`headers.set("${name}"): a header value cannot contain line breaks`);
  return value;
}

/** A copy (the caller may change its array later); one item is stored as a plain string. */
function storedList(name: string, values: unknown): string | string[] {
  if (!Array.isArray(values)) return checkedValue(name, values);
  const copy = values.map((item) => checkedValue(name, item));
  return copy.length === 1 ? copy[0]! : copy;
}
