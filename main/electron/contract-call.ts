/**
 * One contract call as data in, data out: validate the input with the method's zod schema (the
 * same `parseInput` the HTTP adapter uses), run the handler, check the result against the
 * output schema, and answer `{ result }` or `{ error: { code, message, details? } }`. Used by
 * the IPC adapter and by the tray, so both reject exactly what REST rejects.
 */
import type { z } from 'zod';
import { toErrorBody } from '../../shared/contract/errors';
import { contractMethods, parseInput, type CallContext, type ContractHandlers, type MethodName } from '../../shared/contract/methods';
import type { IpcReply } from './ipc-channels';

export type ErrorLogger = (message: string, error: unknown) => void;

export async function callContract(
  handlers: Partial<ContractHandlers>,
  method: MethodName,
  input: unknown,
  context: CallContext,
  logError: ErrorLogger = (message, error) => console.error(`gatehouse: ${message}`, error),
): Promise<IpcReply> {
  const handler = handlers[method] as ((input: unknown, context: CallContext) => Promise<unknown>) | undefined;
  if (!handler) return { error: { code: 'NOT_IMPLEMENTED', message: `${method} is not implemented yet` } };
  try {
    const parsed = parseInput(method, input);
    const output = await handler(parsed, context);
    return { result: checkOutput(method, output) };
  } catch (error) {
    const { body, status } = toErrorBody(error);
    // Internals go to the log, never across the boundary.
    if (status >= 500) logError(`${method} failed`, error);
    return { error: body.details ? { code: body.code, message: body.message, details: body.details } : { code: body.code, message: body.message } };
  }
}

/** Strips fields the contract does not show (stored hashes and the like); a mismatch is a bug, reported as INTERNAL_ERROR. */
function checkOutput(method: MethodName, output: unknown): unknown {
  const result = (contractMethods[method].output as z.ZodType).safeParse(output);
  if (result.success) return result.data ?? null;
  throw Object.assign(new Error(`${method} returned a result that does not match the contract: ${result.error.message}`), { cause: result.error });
}
