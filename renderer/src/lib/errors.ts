/**
 * Contract errors as the UI shows them: one line for a banner or toast, and a field map for
 * forms (ContractError.details paths → messages).
 */
import { asContractError, ContractError } from '../../../shared/contract/errors';
import type { z } from 'zod';
import { formatIssuePath } from '../../../shared/contract/errors';

export type FieldErrors = Record<string, string>;

export function toContractError(error: unknown): ContractError {
  if (error instanceof ContractError) return error;
  return asContractError(error);
}

/** A single readable line: the message, or the first field problem when more useful. */
export function errorMessage(error: unknown): string {
  const contract = toContractError(error);
  return contract.message;
}

/**
 * Field errors keyed by path relative to `prefix` (e.g. prefix `config` turns
 * `config.rateLimits[0].maximumRequests` into `rateLimits[0].maximumRequests`). The first
 * message per path wins; details without a path go under `''`.
 */
export function fieldErrorsOf(error: unknown, prefix = ''): FieldErrors {
  const out: FieldErrors = {};
  const contract = toContractError(error);
  for (const detail of contract.details ?? []) {
    let path = detail.path ?? '';
    if (prefix) {
      if (path === prefix) path = '';
      else if (path.startsWith(`${prefix}.`)) path = path.slice(prefix.length + 1);
      else if (path.startsWith(`${prefix}[`)) path = path.slice(prefix.length);
    }
    out[path] ??= detail.message;
  }
  return out;
}

/** zod issues (client-side validation) as a field map, same keys as `fieldErrorsOf`. */
export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out[formatIssuePath([...issue.path, key])] ??= 'unknown field';
      continue;
    }
    out[formatIssuePath(issue.path)] ??= friendlyMessage(issue.message);
  }
  return out;
}

/** zod's "Invalid input: expected number, received undefined" says "required" in a form. */
function friendlyMessage(message: string): string {
  if (/received undefined$/.test(message)) return 'required';
  const match = /^Invalid input: expected (\w+), received (\w+)$/.exec(message);
  if (match) return `must be a ${match[1] === 'int' ? 'whole number' : match[1]}`;
  return message;
}
