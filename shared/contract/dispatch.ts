/**
 * One contract call on the serving side, for adapters that carry values rather than HTTP
 * (IPC in Electron, in-process tests): validate the input, run the handler, check the output,
 * and answer the output or an error envelope, exactly what `Transport.invoke` resolves with.
 */
import type { ErrorEnvelope } from '../errors';
import { ContractError, ContractErrorCode, toErrorBody } from './errors';
import { contractMethods, isMethodName, parseInput, type CallContext, type ContractHandlers, type MethodName, type MethodOutput } from './methods';

export interface DispatchOptions {
  /** Check results against the output schemas (strips fields the contract does not have). */
  validateOutput?: boolean;
  /** Told about 5xx failures, with the original error (for logs; never sent to the caller). */
  onInternalError?: (method: string, error: unknown) => void;
}

/** Runs a handler on validated input; throws ContractError (bad input, unknown method, bad output). */
export async function callHandler<M extends MethodName>(
  handlers: Partial<ContractHandlers>,
  method: M,
  input: unknown,
  context: CallContext,
  validateOutput = true,
): Promise<MethodOutput<M>> {
  const parsed = parseInput(method, input);
  const handler = handlers[method] as ((input: unknown, context: CallContext) => Promise<unknown>) | undefined;
  if (!handler) throw new ContractError('NOT_IMPLEMENTED', `${method} is not implemented yet`, { status: 501 });
  const output = await handler(parsed, context);
  return (validateOutput ? checkOutput(method, output) : output) as MethodOutput<M>;
}

/** The output as the contract describes it, or an error (a contract violation is a 500). */
export function checkOutput(method: MethodName, output: unknown): unknown {
  const result = contractMethods[method].output.safeParse(output);
  if (result.success) return result.data;
  throw Object.assign(new Error(`${method} returned a result that does not match the contract: ${result.error.message}`), { cause: result.error });
}

export async function dispatch(handlers: Partial<ContractHandlers>, method: string, input: unknown, context: CallContext, options: DispatchOptions = {}): Promise<unknown> {
  if (!isMethodName(method)) return { error: { code: ContractErrorCode.notFound, message: `unknown method "${method}"` } } satisfies ErrorEnvelope;
  try {
    return await callHandler(handlers, method, input, context, options.validateOutput ?? true);
  } catch (error) {
    const { body, status } = toErrorBody(error);
    if (status >= 500) options.onInternalError?.(method, error);
    return { error: body } satisfies ErrorEnvelope;
  }
}
