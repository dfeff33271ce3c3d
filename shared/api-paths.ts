/**
 * The one check of API base paths and names, shared by every way they come in (admin API and
 * IPC through the contract schemas, `gatehouse import` / PUT /api/v1/config, conf.d files), so
 * each refuses the same values with the same words.
 *
 * A base path is plain `/`-separated segments. Anything a client, a proxy or the router could
 * read as a different path (dot segments, empty segments, backslashes, encoded separators or
 * dots, `;` path parameters) is refused rather than normalised away, so the path an API is
 * shown under is the path that reaches it. `/.gatehouse` belongs to the gateway itself.
 */

export const API_NAME_MAX_LENGTH = 100;
export const BASE_PATH_MAX_LENGTH = 1024;
/** Answered by every listener before routing (health); no API may live under it. */
export const RESERVED_BASE_PATH = '/.gatehouse';

export type BasePathCheck = { ok: true; basePath: string } | { ok: false; message: string };

// C0 controls, DEL and C1 controls: they split log lines and headers, and hide in the UI.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** `control character U+000A at position 3`, or undefined when there is none. */
export function controlCharacterProblem(value: string): string | undefined {
  const match = CONTROL.exec(value);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return `must not contain control characters (U+${code} at position ${match.index + 1})`;
}

/**
 * Checks a base path as given and returns it normalised: surrounding spaces dropped, trailing
 * slashes removed (the root stays `/`). Only that normalisation is done; everything else that
 * is not a plain path is an error.
 */
export function checkBasePath(raw: string): BasePathCheck {
  const fail = (message: string): BasePathCheck => ({ ok: false, message });
  const control = controlCharacterProblem(raw);
  if (control) return fail(control);
  const path = raw.replace(/^ +| +$/g, '');
  if (!path.startsWith('/')) return fail('must start with "/"');
  if (path.length > BASE_PATH_MAX_LENGTH) return fail(`must be at most ${BASE_PATH_MAX_LENGTH} characters`);
  if (/\s/.test(path)) return fail('must not contain spaces');
  if (/[?#]/.test(path)) return fail('must not contain "?" or "#" (a base path has no query or fragment)');
  if (path.includes('\\')) return fail('must not contain "\\"');
  if (path.includes(';')) return fail('must not contain ";" (path parameters such as "..;")');
  if (/%(?![0-9A-Fa-f]{2})/.test(path)) return fail('must not contain "%" except as a percent-encoding such as %20');
  if (/%(2e|2f|5c)/i.test(path)) return fail('must not contain percent-encoded ".", "/" or "\\" (%2e, %2f, %5c)');
  if (/%([01][0-9a-f]|7f)/i.test(path)) return fail('must not contain percent-encoded control characters');
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed.includes('//')) return fail('must not contain empty segments ("//")');
  const segments = trimmed.split('/').slice(1);
  if (segments.some((segment) => segment === '.' || segment === '..')) return fail('must not contain "." or ".." segments');
  if (segments[0]?.toLowerCase() === RESERVED_BASE_PATH.slice(1)) return fail(`must not be under ${RESERVED_BASE_PATH} (the gateway's own endpoints)`);
  return { ok: true, basePath: trimmed === '' ? '/' : trimmed };
}

/** What is wrong with an API (or other resource) name, or undefined; trimmed before the length checks. */
export function nameProblem(raw: string): string | undefined {
  const control = controlCharacterProblem(raw);
  if (control) return control;
  const name = raw.trim();
  if (name === '') return 'must not be empty';
  if (name.length > API_NAME_MAX_LENGTH) return `must be at most ${API_NAME_MAX_LENGTH} characters`;
  return undefined;
}
