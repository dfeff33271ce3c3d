/**
 * fault-injection (beyond Flex): for a share of requests, waits (delay), answers an error
 * instead of the upstream (abort), resets the client connection (reset) or trickles the
 * response body (slowBody). Each fault is an independent draw; a delay comes first, then a
 * reset wins over an abort, which wins over a slow body. With `allowHeaderTrigger`, a request
 * can ask for a fault with `x-gatehouse-fault`. The random source is injectable for tests.
 */
import { FAULT_HEADER, type FaultInjectionConfig } from '../../shared/policies/fault-injection';
import type { PolicyDecision, PolicyDefinition, PolicyRequest } from './types';

export const FAULT_INJECTED = 'FAULT_INJECTED';

/** What one request gets: every field set is a fault that fired. */
export interface FaultPlan {
  delayMs?: number;
  abortStatus?: number;
  reset?: boolean;
  bytesPerSecond?: number;
}

/** Parses `delay=500, abort=503, reset, slowBody=1000`; an error names the bad part. */
export function parseFaultHeader(value: string): FaultPlan | string {
  const plan: FaultPlan = {};
  for (const part of value.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const [name, raw] = item.split('=', 2).map((text) => text.trim());
    const number = raw === undefined ? NaN : Number(raw);
    if (name === 'reset' && raw === undefined) plan.reset = true;
    else if (name === 'delay' && Number.isInteger(number) && number >= 0 && number <= 600_000) plan.delayMs = number;
    else if (name === 'abort' && Number.isInteger(number) && number >= 400 && number <= 599) plan.abortStatus = number;
    else if (name === 'slowBody' && Number.isInteger(number) && number > 0) plan.bytesPerSecond = number;
    else return `${FAULT_HEADER}: "${item}" is not one of delay=<ms 0–600000>, abort=<status 400–599>, reset, slowBody=<bytes per second>`;
  }
  return plan;
}

/** Draws each configured fault independently; `random()` returns [0, 1). */
export function drawFaults(config: FaultInjectionConfig, random: () => number): FaultPlan {
  const plan: FaultPlan = {};
  const fires = (percentage: number) => percentage > 0 && random() * 100 < percentage;
  const delay = config.delay;
  if (delay !== undefined && fires(delay.percentage))
    plan.delayMs = delay.fixedMs ?? delay.minMs! + Math.floor(random() * (delay.maxMs! - delay.minMs! + 1));
  if (config.abort !== undefined && fires(config.abort.percentage)) plan.abortStatus = config.abort.status;
  if (config.reset !== undefined && fires(config.reset.percentage)) plan.reset = true;
  if (config.slowBody !== undefined && fires(config.slowBody.percentage)) plan.bytesPerSecond = config.slowBody.bytesPerSecond;
  return plan;
}

/** The decision once the delay (if any) is over. */
function decideAfterDelay(plan: FaultPlan, request: PolicyRequest, fromHeader: boolean): PolicyDecision {
  const fired: string[] = [];
  if (plan.delayMs !== undefined) fired.push(`delay ${plan.delayMs} ms`);
  const via = fromHeader ? ` (asked by ${FAULT_HEADER})` : '';
  if (plan.reset) return { action: 'reset', detail: `fault: ${[...fired, 'connection reset'].join(', ')}${via}` };
  if (plan.abortStatus !== undefined) {
    fired.push(`abort ${plan.abortStatus}`);
    return {
      action: 'reject',
      status: plan.abortStatus,
      code: FAULT_INJECTED,
      message: `fault injected: this request was aborted with ${plan.abortStatus} on purpose${via}`,
      detail: `fault: ${fired.join(', ')}${via}`,
    };
  }
  if (plan.bytesPerSecond !== undefined) {
    if (request.throttleResponseBody !== undefined) {
      request.throttleResponseBody(plan.bytesPerSecond);
      fired.push(`slow body ${plan.bytesPerSecond} B/s`);
    } else fired.push('slow body (not available here)');
  }
  if (fired.length === 0) return { action: 'continue', detail: 'no fault drawn' };
  return { action: 'continue', modified: true, detail: `fault: ${fired.join(', ')}${via}` };
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/** The policy with its random source: Math.random in the gateway, a seeded one in tests. */
export function createFaultInjectionPolicy(random: () => number = Math.random): PolicyDefinition<FaultInjectionConfig> {
  return {
    name: 'fault-injection',
    create(config) {
      return {
        onRequest(request) {
          let plan: FaultPlan;
          let fromHeader = false;
          const asked = request.headers[FAULT_HEADER];
          // Never forwarded: the upstream should not see test instructions.
          if (asked !== undefined) delete request.headers[FAULT_HEADER];
          if (config.allowHeaderTrigger && asked !== undefined) {
            const parsed = parseFaultHeader(Array.isArray(asked) ? asked.join(',') : asked);
            if (typeof parsed === 'string') return { action: 'reject', status: 400, code: 'BAD_FAULT_HEADER', message: parsed };
            plan = parsed;
            fromHeader = true;
          } else plan = drawFaults(config, random);
          if (plan.delayMs === undefined || plan.delayMs === 0) return decideAfterDelay(plan, request, fromHeader);
          return wait(plan.delayMs, request.signal).then(() => decideAfterDelay(plan, request, fromHeader));
        },
      };
    },
  };
}

export const faultInjectionPolicy = createFaultInjectionPolicy();
