/**
 * A custom policy (the SDK's definePolicy) as a PolicyInstance: `create` runs once per binding,
 * `onRequest` per request with the SDK's decisions turned into the pipeline's, `onResponse`
 * through the gateway's response interception. A hook that throws, rejects or returns
 * something that is not a decision fails the request with 500 (the pipeline names the policy
 * in the trace and the log); one whose promise does not settle within the policy's time limit
 * fails it with 504 (hook-timer.ts); the gateway itself is never at risk.
 *
 * Blocking: each hook's synchronous run (up to its first `await`) is timed; longer than the
 * watch's limit is reported by policy name. Work after an `await` cannot be attributed to a
 * policy without async hooks (which would slow every request of the gateway), so it is not.
 */
import type { CustomPolicy, PolicyContext, PolicyHooks, PolicyLogger, PolicyResult } from '../../../shared/policy-sdk';
import { DEFAULT_BODY_BUFFER_BYTES } from '../../../shared/policies/request-handling';
import type { CounterWindow } from '../counters';
import { PolicyFailure } from '../policy-failure';
import type { PolicyCompileContext, PolicyDecision, PolicyInstance, PolicyRequest, ResponseInterceptor } from '../types';
import { DEFAULT_HOOK_TIMEOUT_MS, settleWithin } from './hook-timer';
import { RequestView, ResponseView, toBuffer } from './request-view';

export type CustomHook = 'create' | 'onRequest' | 'onResponse';

/** A hook ran longer than the limit without yielding: the event loop (every request) waited on it. */
export interface BlockingReport {
  policy: string;
  hook: CustomHook;
  durationMs: number;
  limitMs: number;
  apiId: string;
  bindingId: string;
  /** Epoch ms. */
  at: number;
}

export interface HookWatch {
  /** Synchronous runs longer than this are reported (default 200 ms). */
  readonly limitMs: number;
  report(report: BlockingReport): void;
}

export const DEFAULT_BLOCK_LIMIT_MS = 200;

/** Turns an error from policy code into `message (file:line:column)` where the source is known. */
export type ErrorLocator = (error: unknown) => string;

const CONTINUE: PolicyDecision = { action: 'continue' };
const CONTINUE_MODIFIED: PolicyDecision = { action: 'continue', modified: true };
const DEFAULT_FETCH_TIMEOUT_MS = 5000;

export function adaptCustomPolicy(policy: CustomPolicy, config: Record<string, unknown>, context: PolicyCompileContext, watch: HookWatch, describe: ErrorLocator): PolicyInstance {
  const name = policy.name;
  const binding = { id: context.binding.id, name };
  const blocked = (hook: CustomHook, started: number): void => {
    const durationMs = performance.now() - started;
    if (durationMs <= watch.limitMs) return;
    const rounded = Math.round(durationMs);
    context.log('warn', `custom policy ${name} blocked the event loop for ${rounded} ms in ${hook} (limit ${watch.limitMs} ms); every request waited`);
    watch.report({ policy: name, hook, durationMs: rounded, limitMs: watch.limitMs, apiId: context.api.id, bindingId: binding.id, at: Date.now() });
  };
  /** The request whose hook is running synchronously: context.log also lands in its trace. */
  let current: PolicyRequest | undefined;
  const note = (request: PolicyRequest | undefined, level: string, message: string): void => {
    request?.traceNote?.(binding, level === 'info' ? message : `${level}: ${message}`);
  };
  const contextLog = loggerFor((level, message) => {
    context.log(level, message);
    note(current, level, message);
  });

  const sdkContext: PolicyContext = {
    api: { id: context.api.id, name: context.api.name || context.api.id, basePath: context.api.basePath },
    bindingId: binding.id,
    log: contextLog,
    counters: countersFor(name, context),
    fetch: fetchWithTimeout,
    env: context.env,
  };

  const started = performance.now();
  let hooks: PolicyHooks;
  try {
    hooks = policy.create(config, sdkContext);
  } catch (error) {
    throw new Error(`create failed: ${describe(error)}`);
  } finally {
    blocked('create', started);
  }
  if (hooks === null || typeof hooks !== 'object') throw new Error(`create must return the hooks object ({ onRequest, onResponse }), got ${hooks === null ? 'null' : typeof hooks}`);
  for (const hook of ['onRequest', 'onResponse', 'dispose'] as const)
    if (hooks[hook] !== undefined && typeof hooks[hook] !== 'function') throw new Error(`create returned ${hook} that is not a function`);

  const limitOf = (request: PolicyRequest): number => request.bodyBufferBytes ?? DEFAULT_BODY_BUFFER_BYTES;
  const writeFor = (request: PolicyRequest, level: 'info' | 'warn' | 'error', message: string): void => {
    context.log(level, message);
    note(request, level, message);
  };
  const viewOf = (request: PolicyRequest): RequestView => new RequestView(request, name, limitOf(request), writeFor);

  const limitMs = policy.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
  const onResponse = hooks.onResponse;
  /** The client went away: the interception goes on to its end, where the gateway writes nothing to a closed exchange. */
  const goOnWithout = { value: undefined };
  const interceptorFor = (view: RequestView): ResponseInterceptor => ({
    binding,
    intercept(response) {
      const responseView = new ResponseView(response, view.limit);
      const began = performance.now();
      current = view.request;
      let result: void | Promise<void>;
      try {
        result = onResponse!.call(hooks, responseView, view);
      } catch (error) {
        throw new Error(`onResponse threw: ${describe(error)}`);
      } finally {
        current = undefined;
        blocked('onResponse', began);
      }
      if (!isPromise(result)) return undefined;
      const settled = result.then(undefined, (error: unknown) => Promise.reject(new Error(`onResponse rejected: ${describe(error)}`)));
      return settleWithin(settled, { policy: name, hook: 'onResponse', limitMs, clientGone: () => view.request.signal.aborted, reads: responseView, whenClientGone: goOnWithout });
    },
  });

  /** onResponse runs on the response of a request this policy let through (not on its own reject). */
  const watchResponse = (view: RequestView): void => {
    const request = view.request;
    if (request.interceptResponse !== undefined) request.interceptResponse(interceptorFor(view));
    // Without interception (tests' fake requests) the hook runs on the head only.
    else request.onResponse((head) => void interceptorFor(view).intercept({ status: head.status, headers: head.headers, readBody: async () => Buffer.alloc(0), replaceBody: (body) => (head.body = body) }));
  };
  const finish = (view: RequestView, result: PolicyResult): PolicyDecision | Promise<PolicyDecision> => {
    const decision = decisionOf(view, result);
    if (onResponse === undefined) return decision;
    if (!isPromise(decision)) {
      if (decision.action === 'continue') watchResponse(view);
      return decision;
    }
    return decision.then((settled) => {
      if (settled.action === 'continue') watchResponse(view);
      return settled;
    });
  };

  const onRequest = hooks.onRequest;
  return {
    onRequest(request) {
      if (onRequest === undefined) {
        if (onResponse !== undefined) watchResponse(viewOf(request));
        return CONTINUE;
      }
      const view = viewOf(request);
      const began = performance.now();
      current = request;
      let result: PolicyResult | Promise<PolicyResult>;
      try {
        result = onRequest.call(hooks, view);
      } catch (error) {
        if (view.refusal !== undefined) return view.refusal;
        throw new Error(`onRequest threw: ${describe(error)}`);
      } finally {
        current = undefined;
        blocked('onRequest', began);
      }
      if (!isPromise(result)) return finish(view, result);
      // Only the hook's own promise is timed: a body set with setBody is then read at the client's pace.
      return settleWithin(result, { policy: name, hook: 'onRequest', limitMs, clientGone: () => request.signal.aborted, reads: view, whenClientGone: undefined }).then(
        (settled) => finish(view, settled),
        (error: unknown) => {
          if (error instanceof PolicyFailure) throw error;
          if (view.refusal !== undefined) return view.refusal;
          throw new Error(`onRequest rejected: ${describe(error)}`);
        },
      );
    },
    dispose() {
      hooks.dispose?.();
    },
  };
}

/** The hook's result as the pipeline's decision; a body set with setBody goes upstream first. */
function decisionOf(view: RequestView, result: PolicyResult): PolicyDecision | Promise<PolicyDecision> {
  if (view.refusal !== undefined) return view.refusal;
  const decision = toDecision(result, view.changed);
  if (view.replacement === undefined || decision.action !== 'continue') return decision;
  return replaceRequestBody(view).then(() => view.refusal ?? decision);
}

/** The client's body is read (and dropped) before the replacement takes its place. */
async function replaceRequestBody(view: RequestView): Promise<void> {
  const request = view.request;
  if (request.replaceBody === undefined) return;
  if (request.readBody !== undefined && (await request.readBody(view.limit)) === undefined) {
    view.refusal = { action: 'reject', status: 413, code: 'PAYLOAD_TOO_LARGE', message: `the request body is larger than ${view.limit} bytes` };
    return;
  }
  request.replaceBody(view.replacement!);
}

export function toDecision(result: PolicyResult, modified: boolean): PolicyDecision {
  if (result === undefined || result === null) return modified ? CONTINUE_MODIFIED : CONTINUE;
  if (typeof result !== 'object') throw new Error(`returned ${typeof result} instead of a decision (return nothing, or use decide.continue/reject/respond)`);
  const detail = typeof result.detail === 'string' ? result.detail : undefined;
  switch (result.action) {
    case 'continue':
      return { action: 'continue', modified, detail };
    case 'reject': {
      const status = checkedStatus(result.status, 400, 'reject');
      if (typeof result.message !== 'string') throw new Error('returned reject without a message string');
      const code = result.code === undefined ? 'POLICY_REJECTED' : String(result.code);
      return { action: 'reject', status, code, message: result.message, headers: checkedHeaders(result.headers, 'reject'), detail };
    }
    case 'respond': {
      const status = checkedStatus(result.status, 200, 'respond');
      const body = result.body === undefined ? undefined : toBuffer(result.body, 'respond body');
      return { action: 'respond', status, headers: checkedHeaders(result.headers, 'respond'), body, detail };
    }
    default:
      throw new Error(`returned an unknown action ${JSON.stringify((result as { action?: unknown }).action)} (expected continue, reject or respond)`);
  }
}

function checkedStatus(status: unknown, min: number, action: string): number {
  if (typeof status !== 'number' || !Number.isInteger(status) || status < min || status > 599) throw new Error(`returned ${action} with status ${String(status)} (expected an integer ${min}-599)`);
  return status;
}

function checkedHeaders(headers: unknown, action: string): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  if (headers === null || typeof headers !== 'object') throw new Error(`returned ${action} with headers that are not an object of strings`);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) throw new Error(`returned ${action} with an invalid value for header "${key}"`);
    out[key.toLowerCase()] = value;
  }
  return out;
}

function loggerFor(write: (level: 'info' | 'warn' | 'error', message: string) => void): PolicyLogger {
  return {
    info: (message) => write('info', String(message)),
    warn: (message) => write('warn', String(message)),
    error: (message) => write('error', String(message)),
  };
}

/** SharedCounters over the gateway's CounterStore (memory or Redis): one namespace per policy name. */
function countersFor(policy: string, context: PolicyCompileContext): PolicyContext['counters'] {
  // The store keys its tables on the windows array: one array per distinct window, kept.
  const windows = new Map<string, readonly CounterWindow[]>();
  return {
    async hit(key, options) {
      const limit = options?.limit;
      const windowMs = options?.windowMs;
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`counters.hit: limit must be an integer ≥ 1, got ${String(limit)}`);
      if (!Number.isInteger(windowMs) || windowMs < 1) throw new RangeError(`counters.hit: windowMs must be an integer ≥ 1, got ${String(windowMs)}`);
      const signature = `${limit}/${windowMs}`;
      let window = windows.get(signature);
      if (window === undefined) windows.set(signature, (window = [{ maximumRequests: limit, timePeriodInMilliseconds: windowMs }]));
      const result = await context.counters.hit(`custom:${policy}:${String(key)}`, window);
      return { allowed: result.allowed, remaining: result.remaining, resetInMs: result.resetMs };
    },
  };
}

function fetchWithTimeout(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Response> {
  const { timeoutMs, ...rest } = init;
  const timeout = AbortSignal.timeout(timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS);
  const signal = rest.signal ? AbortSignal.any([rest.signal, timeout]) : timeout;
  return fetch(url, { ...rest, signal });
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
