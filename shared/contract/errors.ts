/**
 * Contract errors: thrown by control-plane handlers, carried as the shared envelope
 * (`{ error: { code, message, details? } }`) over HTTP and IPC, and rebuilt by the client.
 */
import type { z } from 'zod';
import type { ErrorBody, ErrorDetail, ErrorEnvelope } from '../errors';

export const ContractErrorCode = {
  validationFailed: 'VALIDATION_FAILED',
  notFound: 'NOT_FOUND',
  conflict: 'CONFLICT',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  methodNotAllowed: 'METHOD_NOT_ALLOWED',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  unavailable: 'UNAVAILABLE',
  internal: 'INTERNAL_ERROR',
} as const;
export type ContractErrorCodeValue = (typeof ContractErrorCode)[keyof typeof ContractErrorCode];

const STATUS_BY_CODE: Record<string, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL_ERROR: 500,
  UNAVAILABLE: 503,
};

/** HTTP status for an error code; unknown codes are treated as the caller's fault (400). */
export function statusForCode(code: string): number {
  return STATUS_BY_CODE[code] ?? 400;
}

export class ContractError extends Error {
  override readonly name = 'ContractError';
  readonly code: string;
  readonly status: number;
  readonly details?: ErrorDetail[];

  constructor(code: string, message: string, options: { status?: number; details?: ErrorDetail[] } = {}) {
    super(message);
    this.code = code;
    this.status = options.status ?? statusForCode(code);
    if (options.details) this.details = options.details;
  }

  static notFound(kind: string, id: string): ContractError {
    return new ContractError(ContractErrorCode.notFound, `${kind} "${id}" does not exist`);
  }

  static conflict(message: string, details?: ErrorDetail[]): ContractError {
    return new ContractError(ContractErrorCode.conflict, message, { details });
  }

  /** One or more bad fields; the message names the first so a single line is still useful. */
  static validation(details: ErrorDetail[], message?: string): ContractError {
    const first = details[0];
    const summary = message ?? (first ? `${first.path || 'input'}: ${first.message}` : 'invalid input');
    return new ContractError(ContractErrorCode.validationFailed, summary, { details });
  }

  static fromZod(error: z.ZodError, message?: string): ContractError {
    return ContractError.validation(zodIssuesToDetails(error.issues), message);
  }

  static fromBody(body: ErrorBody, status?: number): ContractError {
    return new ContractError(body.code, body.message, { status, details: body.details });
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }

  toEnvelope(): ErrorEnvelope {
    return { error: this.toBody() };
  }
}

/** `['limits', 0, 'maximumRequests']` → `limits[0].maximumRequests`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

export function zodIssuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    // Unknown keys get one detail per key, so each field is named on its own.
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) details.push({ path: formatIssuePath([...issue.path, key]), message: 'unknown field' });
      continue;
    }
    details.push({ path: formatIssuePath(issue.path), message: issue.message });
  }
  return details;
}

/**
 * Any thrown value as an envelope body: ContractErrors and objects with a string `code` keep
 * their code/message (see below); everything else becomes INTERNAL_ERROR without leaking internals.
 */
export function toErrorBody(error: unknown): { body: ErrorBody; status: number } {
  if (error instanceof ContractError) return { body: error.toBody(), status: error.status };
  if (isZodError(error)) {
    const converted = ContractError.fromZod(error);
    return { body: converted.toBody(), status: converted.status };
  }
  if (error && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string') {
    const { code, message, status, details } = error as { code: string; message?: unknown; status?: unknown; details?: unknown };
    // Known contract codes, or any code with an explicit HTTP status; Node/SQLite codes (ENOENT,
    // SQLITE_*) carry paths and internals, so they stay hidden behind INTERNAL_ERROR.
    const explicit = typeof status === 'number' && status >= 400 && status < 600;
    if (/^[A-Z][A-Z0-9_]*$/.test(code) && (code in STATUS_BY_CODE || explicit)) {
      const body: ErrorBody = { code, message: typeof message === 'string' ? message : code };
      if (Array.isArray(details)) body.details = details as ErrorDetail[];
      return { body, status: explicit ? (status as number) : statusForCode(code) };
    }
  }
  return { body: { code: ContractErrorCode.internal, message: 'internal error' }, status: 500 };
}

function isZodError(error: unknown): error is z.ZodError {
  return Boolean(error && typeof error === 'object' && Array.isArray((error as { issues?: unknown }).issues) && (error as Error).name === 'ZodError');
}

export function isErrorEnvelope(value: unknown): value is ErrorEnvelope {
  if (!value || typeof value !== 'object') return false;
  const error = (value as { error?: unknown }).error;
  return Boolean(error && typeof error === 'object' && typeof (error as ErrorBody).code === 'string');
}

/** A rejection from a transport as a ContractError (keeps one if it already is one). */
export function asContractError(error: unknown): ContractError {
  if (error instanceof ContractError) return error;
  if (isErrorEnvelope(error)) return ContractError.fromBody(error.error);
  const body = error as Partial<ErrorBody> | undefined;
  // A plain `{code, message}` object (a structured-cloned error body); Node errors such as
  // ECONNREFUSED are Error instances and mean the transport failed.
  if (body && typeof body === 'object' && !(error instanceof Error) && typeof body.code === 'string' && typeof body.message === 'string' && /^[A-Z][A-Z0-9_]*$/.test(body.code))
    return ContractError.fromBody(body as ErrorBody);
  const message = error instanceof Error ? error.message : String(error);
  return new ContractError(ContractErrorCode.unavailable, `Gatehouse is not reachable: ${message}`);
}
