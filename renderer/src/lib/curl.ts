/**
 * "Copy as curl / HTTPie / fetch": a request as a command line (POSIX shell quoting) or a
 * JavaScript snippet. Values are taken literally, except the placeholders named in `variables`
 * (`$CLIENT_SECRET`, `${GATEHOUSE_TOKEN}`), which must expand when the command runs: in the
 * shell they sit outside the single quotes ('…'"$VAR"'…'), in JavaScript they read process.env.
 */

export interface CurlRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** `user:password` for -u (Basic auth). */
  basicAuth?: string;
  /** Environment variable names left to expand where `$NAME` or `${NAME}` appears in a value. */
  variables?: readonly string[];
}

type Piece = { text: string } | { variable: string };

/** Splits `value` into literal text and the placeholders of `variables`. */
function pieces(value: string, variables: readonly string[] | undefined): Piece[] {
  if (!variables || variables.length === 0 || !value.includes('$')) return [{ text: value }];
  const names = variables.map((name) => name.replace(/[^A-Za-z0-9_]/g, '')).filter(Boolean);
  if (names.length === 0) return [{ text: value }];
  const pattern = new RegExp(`\\$(?:\\{(${names.join('|')})\\}|(${names.join('|')})(?![A-Za-z0-9_]))`, 'g');
  const out: Piece[] = [];
  let last = 0;
  for (const match of value.matchAll(pattern)) {
    if (match.index > last) out.push({ text: value.slice(last, match.index) });
    out.push({ variable: (match[1] ?? match[2])! });
    last = match.index + match[0].length;
  }
  if (last < value.length) out.push({ text: value.slice(last) });
  return out;
}

/** A literal shell word: single quotes, with `'` written as '\''. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** One shell word: literal text single-quoted, each placeholder double-quoted so that it expands. */
export function shellWord(value: string, variables?: readonly string[]): string {
  const parts = pieces(value, variables);
  if (parts.length === 0) return "''";
  return parts.map((part) => ('variable' in part ? `"\${${part.variable}}"` : shellQuote(part.text))).join('');
}

function headerList(request: CurlRequest): [string, string][] {
  return Object.entries(request.headers ?? {}).filter(([name]) => name.trim() !== '');
}

export function toCurl(request: CurlRequest): string {
  const word = (value: string) => shellWord(value, request.variables);
  const parts = ['curl'];
  const method = request.method.toUpperCase();
  if (method === 'HEAD') parts.push('-I');
  else if (method !== 'GET' || request.body) parts.push('-X', method);
  parts.push(word(request.url));
  for (const [name, value] of headerList(request)) parts.push('-H', word(`${name}: ${value}`));
  if (request.basicAuth) parts.push('-u', word(request.basicAuth));
  if (request.body) parts.push('--data-raw', word(request.body));
  return parts.join(' ');
}

/**
 * HTTPie: `http [--raw BODY] METHOD URL Name:value…`. An empty header value is `Name;`; the body
 * goes as is with --raw (never parsed into key=value items).
 */
export function toHttpie(request: CurlRequest): string {
  const word = (value: string) => shellWord(value, request.variables);
  const parts = ['http'];
  if (request.basicAuth) parts.push('--auth', word(request.basicAuth));
  if (request.body) parts.push('--raw', word(request.body));
  parts.push(request.method.toUpperCase(), word(request.url));
  for (const [name, value] of headerList(request)) parts.push(word(value === '' ? `${name};` : `${name}:${value}`));
  return parts.join(' ');
}

/** A JavaScript expression for `value`: string literals joined with process.env reads. */
function jsString(value: string, variables: readonly string[] | undefined): string {
  const parts = pieces(value, variables);
  if (parts.length === 0) return '""';
  return parts.map((part) => ('variable' in part ? `process.env.${part.variable}` : JSON.stringify(part.text))).join(' + ');
}

/** A fetch() call (Node 18+ or a browser console; placeholders read process.env). */
export function toFetch(request: CurlRequest): string {
  const js = (value: string) => jsString(value, request.variables);
  const headers = headerList(request).map(([name, value]) => `    ${JSON.stringify(name)}: ${js(value)},`);
  if (request.basicAuth) {
    const auth = js(request.basicAuth);
    headers.push(`    "Authorization": "Basic " + btoa(${auth}),`);
  }
  const lines = [`await fetch(${js(request.url)}, {`, `  method: ${JSON.stringify(request.method.toUpperCase())},`];
  if (headers.length > 0) lines.push('  headers: {', ...headers, '  },');
  if (request.body) lines.push(`  body: ${js(request.body)},`);
  lines.push('});');
  return lines.join('\n');
}
