/** "Copy as curl": a shell-safe command line for a request (POSIX single quotes). */

export interface CurlRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** `user:password` for -u (Basic auth). */
  basicAuth?: string;
}

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function toCurl(request: CurlRequest): string {
  const parts = ['curl'];
  const method = request.method.toUpperCase();
  if (method === 'HEAD') parts.push('-I');
  else if (method !== 'GET' || request.body) parts.push('-X', method);
  parts.push(shellQuote(request.url));
  for (const [name, value] of Object.entries(request.headers ?? {})) if (name.trim()) parts.push('-H', shellQuote(`${name}: ${value}`));
  if (request.basicAuth) parts.push('-u', shellQuote(request.basicAuth));
  if (request.body) parts.push('--data-raw', shellQuote(request.body));
  return parts.join(' ');
}
