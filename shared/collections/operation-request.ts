/**
 * Filling an operation's parameters: each value checked against its type before anything is
 * sent (a missing required value, `abc` for an integer, a value outside the enum), then the
 * path template's `{name}`s replaced (percent-encoded), query parameters appended and header
 * parameters returned to send. Errors are keyed like the values: `path.id`, `query.limit`.
 */
import type { OperationParameter, ParameterType } from './collection-models';

export type ParameterValues = Record<string, string>;

/** The key of a parameter's value and error: `query.limit`. */
export function parameterKey(parameter: Pick<OperationParameter, 'in' | 'name'>): string {
  return `${parameter.in}.${parameter.name}`;
}

const INTEGER = /^-?\d+$/;
const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function checkScalar(value: string, type: ParameterType | undefined, allowed: string[] | undefined): string | undefined {
  if (type === 'integer' && !INTEGER.test(value)) return `"${value}" is not an integer`;
  if (type === 'number' && !NUMBER.test(value)) return `"${value}" is not a number`;
  if (type === 'boolean' && value !== 'true' && value !== 'false') return `"${value}" is not true or false`;
  if (allowed && !allowed.includes(value)) return `"${value}" is not one of ${allowed.join(', ')}`;
  return undefined;
}

/** Comma-separated items of an array parameter, trimmed, empty ones dropped. */
export function arrayItems(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Why a value does not fit the parameter, or undefined when it does (or is empty and optional). */
export function checkParameterValue(parameter: OperationParameter, raw: string | undefined): string | undefined {
  const value = raw ?? '';
  if (value.trim() === '') return parameter.required ? 'required' : undefined;
  if (parameter.in === 'header' && /[\r\n]/.test(value)) return 'a header value may not contain a line break';
  if (parameter.type === 'array') {
    for (const item of arrayItems(value)) {
      const problem = checkScalar(item, parameter.itemType, parameter.enum);
      if (problem) return problem;
    }
    return undefined;
  }
  return checkScalar(value.trim(), parameter.type, parameter.enum);
}

export type OperationRequest = { ok: true; path: string; headers: Record<string, string> } | { ok: false; errors: Record<string, string> };

/**
 * The request an operation's filled parameters make. `pathTemplate` is what the path field
 * holds (the operation's template, possibly edited): its `{name}`s are replaced, and query
 * parameters are appended to any query it already has.
 */
export function buildOperationRequest(parameters: readonly OperationParameter[], values: ParameterValues, pathTemplate: string): OperationRequest {
  const errors: Record<string, string> = {};
  for (const parameter of parameters) {
    const problem = checkParameterValue(parameter, values[parameterKey(parameter)]);
    if (problem) errors[parameterKey(parameter)] = problem;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  let path = pathTemplate;
  const query: string[] = [];
  const headers: Record<string, string> = {};
  for (const parameter of parameters) {
    const value = (values[parameterKey(parameter)] ?? '').trim();
    if (value === '') continue;
    if (parameter.in === 'path') path = path.split(`{${parameter.name}}`).join(encodeURIComponent(value));
    else if (parameter.in === 'header') headers[parameter.name] = value;
    else if (parameter.type === 'array' && parameter.explode !== false) for (const item of arrayItems(value)) query.push(`${encodeURIComponent(parameter.name)}=${encodeURIComponent(item)}`);
    else query.push(`${encodeURIComponent(parameter.name)}=${parameter.type === 'array' ? arrayItems(value).map(encodeURIComponent).join(',') : encodeURIComponent(value)}`);
  }
  if (query.length > 0) path += `${path.includes('?') ? (path.endsWith('?') || path.endsWith('&') ? '' : '&') : '?'}${query.join('&')}`;
  return { ok: true, path, headers };
}

/**
 * Starting values: a required parameter starts from its example (else an enum's first value);
 * an optional one starts empty, so it is not sent unless asked for (its example is the hint).
 */
export function initialParameterValues(parameters: readonly OperationParameter[]): ParameterValues {
  const values: ParameterValues = {};
  for (const parameter of parameters) {
    const start = parameter.required ? (parameter.example ?? (parameter.enum && parameter.type !== 'array' ? parameter.enum[0] : undefined)) : undefined;
    values[parameterKey(parameter)] = start ?? '';
  }
  return values;
}
