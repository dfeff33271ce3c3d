/**
 * Runs one API's policy bindings on one request, in order, Envoy-style: each binding continues,
 * rejects or answers; the first reject/answer stops the chain. When asked, every binding leaves a trace
 * line (verdict, detail, status, duration). Synchronous policies are never awaited: the chain
 * only turns asynchronous at the first policy that returns a promise.
 */
import { PolicyFailure } from '../policies/policy-failure';
import type { PolicyDecision } from '../policies/types';
import type { CompiledBinding } from './compile';
import type { GatewayRequest } from './context';
import type { PolicyTraceEntry } from './telemetry';

/** A binding stopped the request: a reject (gateway-made error) or its own response. */
export interface PipelineStop {
  binding: CompiledBinding;
  decision: Exclude<PolicyDecision, { action: 'continue' }>;
}

/** Undefined: every binding let the request through, forward it. */
export type PipelineOutcome = PipelineStop | undefined;

const SKIPPED = 'rules did not match';

/**
 * `ctx.trace` set (an array) asks for the trace; left undefined (nobody reads request facts,
 * e.g. `gateway --quiet`), the chain runs without clocks or trace entries.
 */
export function runPipeline(bindings: readonly CompiledBinding[], ctx: GatewayRequest, from = 0): PipelineOutcome | Promise<PipelineOutcome> {
  const trace = ctx.trace;
  // One clock read per binding: each one's end is the next one's start.
  let started = trace === undefined ? 0 : performance.now();
  for (let i = from; i < bindings.length; i++) {
    const binding = bindings[i]!;
    if (binding.matcher !== undefined && !binding.matcher(ctx.method, ctx.path, ctx.relativeOrRoot, ctx.host, ctx.headers)) {
      trace?.push({ policy: binding.name, bindingId: binding.id, verdict: 'skip', detail: SKIPPED, durationMs: 0 });
      continue;
    }
    let result: PolicyDecision | Promise<PolicyDecision>;
    try {
      result = binding.instance.onRequest(ctx);
    } catch (error) {
      return failed(binding, ctx, trace, started, error);
    }
    if (isPromise(result)) return settleLater(result, bindings, i, ctx, trace, started);
    const ended = trace === undefined ? 0 : performance.now();
    // Without a trace, settle() reads nothing it would only format for it (`trace?.push(…)`).
    const stop = settle(binding, result, trace, ended - started);
    if (stop !== undefined) return stop;
    started = ended;
  }
  return undefined;
}

/** The chain turned asynchronous at binding `i`: its closures live here, off the synchronous loop. */
function settleLater(
  result: Promise<PolicyDecision>,
  bindings: readonly CompiledBinding[],
  i: number,
  ctx: GatewayRequest,
  trace: PolicyTraceEntry[] | undefined,
  started: number,
): Promise<PipelineOutcome> {
  const binding = bindings[i]!;
  return result.then(
    (decision) => {
      const stop = settle(binding, decision, trace, trace === undefined ? 0 : performance.now() - started);
      // The client left (or was answered) while this binding waited: later bindings never see the
      // request, so it spends no rate-limit quota or counter and calls nothing for nobody (Envoy
      // stops a stream's filter chain on a downstream reset the same way).
      if (stop !== undefined || ctx.finished) return stop;
      return i + 1 >= bindings.length ? undefined : runPipeline(bindings, ctx, i + 1);
    },
    (error: unknown) => failed(binding, ctx, trace, started, error),
  );
}

function settle(binding: CompiledBinding, decision: PolicyDecision, trace: PolicyTraceEntry[] | undefined, durationMs: number): PipelineOutcome {
  if (decision === null || typeof decision !== 'object') {
    trace?.push({ policy: binding.name, bindingId: binding.id, verdict: 'error', detail: 'policy returned no decision', status: 500, durationMs });
    return internalError(binding, 'returned no decision');
  }
  switch (decision.action) {
    case 'continue':
      trace?.push({ policy: binding.name, bindingId: binding.id, verdict: decision.modified ? 'modify' : 'allow', detail: decision.detail, durationMs });
      return undefined;
    case 'reject':
      trace?.push({ policy: binding.name, bindingId: binding.id, verdict: 'deny', detail: decision.detail ?? decision.message, status: decision.status, durationMs });
      return { binding, decision };
    case 'reset':
      trace?.push({ policy: binding.name, bindingId: binding.id, verdict: 'deny', detail: decision.detail ?? 'connection reset', durationMs });
      return { binding, decision };
    case 'respond':
      trace?.push({ policy: binding.name, bindingId: binding.id, verdict: 'respond', detail: decision.detail, status: decision.status, durationMs });
      return { binding, decision };
    default:
      trace?.push({ policy: binding.name, bindingId: binding.id, verdict: 'error', detail: 'policy returned an unknown action', status: 500, durationMs });
      return internalError(binding, 'returned an unknown action');
  }
}

/** A PolicyFailure (a custom hook's timeout: 504) keeps its status; any other error is a 500. */
function failed(binding: CompiledBinding, ctx: GatewayRequest, trace: PolicyTraceEntry[] | undefined, started: number, error: unknown): PipelineStop {
  const message = error instanceof Error ? error.message : String(error);
  const own = error instanceof PolicyFailure ? error : undefined;
  trace?.push({ policy: binding.name, bindingId: binding.id, verdict: 'error', detail: message, status: own?.status ?? 500, durationMs: performance.now() - started });
  ctx.listener.services.log('error', `policy ${binding.name} failed on ${ctx.method} ${ctx.path}: ${message}`, { api: ctx.api.id, policy: binding.name, bindingId: binding.id });
  if (own !== undefined) return { binding, decision: { action: 'reject', status: own.status, code: own.code, message } };
  return internalError(binding, 'failed');
}

function internalError(binding: CompiledBinding, what: string): PipelineStop {
  return {
    binding,
    decision: { action: 'reject', status: 500, code: 'INTERNAL_ERROR', message: `policy ${binding.name} ${what}; see the gateway log` },
  };
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
