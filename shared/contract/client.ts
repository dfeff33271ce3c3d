/**
 * The renderer's (and scripts') typed client over any Transport: IPC in Electron, HTTP + SSE
 * in a browser (http-transport.ts), or an in-memory one in tests.
 *
 *   const client = createClient(transport);
 *   const apis = await client.apis.list();                 // typed Api[]
 *   await client.call('policies.add', { apiId, policyRef: 'rate-limiting-flex', config });
 *   const off = client.on('traffic.tick', (tick) => …);
 *
 * Failures are thrown as ContractError (code, message, status, details).
 */
import { asContractError, ContractError, isErrorEnvelope } from './errors';
import type { EventName, EventPayload } from './events';
export { asContractError } from './errors';
import { methodNames, type MethodInput, type MethodName, type MethodOutput } from './methods';

/**
 * Carries calls and events. `invoke` resolves with the method's output, or with an error
 * envelope `{ error: { code, message, details? } }` (IPC-friendly: no Error classes across the
 * boundary); a rejection is treated as the transport failing.
 */
export interface Transport {
  invoke(method: MethodName, input: unknown): Promise<unknown>;
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Methods whose input has no required field can be called without an argument. */
export type InputArgs<M extends MethodName> = {} extends MethodInput<M> ? [input?: MethodInput<M>] : [input: MethodInput<M>];

type NamespaceOf<M> = M extends `${infer N}.${string}` ? N : never;
type VerbOf<M, N extends string> = M extends `${N}.${infer V}` ? V : never;
export type Namespace = NamespaceOf<MethodName>;

/** `client.apis.list(…)`, `client.policies.add(…)`, … one function per contract method. */
export type NamespacedClient = {
  [N in Namespace]: {
    [V in VerbOf<MethodName, N>]: `${N}.${V}` extends infer M extends MethodName ? (...args: InputArgs<M>) => Promise<MethodOutput<M>> : never;
  };
};

export type ContractClient = NamespacedClient & {
  call<M extends MethodName>(method: M, ...args: InputArgs<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

export function createClient(transport: Transport): ContractClient {
  async function call<M extends MethodName>(method: M, ...args: InputArgs<M>): Promise<MethodOutput<M>> {
    let value: unknown;
    try {
      value = await transport.invoke(method, args[0] ?? {});
    } catch (error) {
      throw asContractError(error);
    }
    if (isErrorEnvelope(value)) throw ContractError.fromBody(value.error);
    return value as MethodOutput<M>;
  }

  const namespaces: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const name of methodNames) {
    const [namespace, verb] = name.split('.') as [string, string];
    namespaces[namespace] ??= {};
    namespaces[namespace][verb] = (input?: unknown) => (call as (m: MethodName, i?: unknown) => Promise<unknown>)(name, input);
  }

  return Object.assign(namespaces as unknown as NamespacedClient, {
    call,
    on: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => transport.subscribe(event, listener),
  });
}
