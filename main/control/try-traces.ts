/**
 * Finds the RequestFact of a request sent by Try it: the request carries a unique header, the
 * runtime captures request headers into its facts, and the control plane shows every fact to
 * this watcher before telemetry stores it.
 */
import { TRY_ID_HEADER } from '../gateway/dispatcher';
import type { RequestFact } from '../gateway/telemetry';


export class TryTraces {
  private readonly waiting = new Map<string, (fact: RequestFact) => void>();

  /** Matches the fact to a waiting Try it call, and drops the marker so the traffic log shows the request as sent. */
  observe(fact: RequestFact): void {
    const id = fact.requestHeaders?.[TRY_ID_HEADER];
    if (id === undefined) return;
    delete fact.requestHeaders![TRY_ID_HEADER];
    const resolve = this.waiting.get(id);
    if (resolve) {
      this.waiting.delete(id);
      resolve(fact);
    }
  }

  /** Register before sending; `fact` resolves with the request's fact or undefined after `timeoutMs`. */
  expect(id: string, timeoutMs: number): { fact: Promise<RequestFact | undefined>; cancel(): void } {
    let timer: NodeJS.Timeout | undefined;
    const fact = new Promise<RequestFact | undefined>((resolve) => {
      this.waiting.set(id, (value) => {
        clearTimeout(timer);
        resolve(value);
      });
      timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(undefined);
      }, timeoutMs);
      timer.unref();
    });
    return {
      fact,
      cancel: () => {
        clearTimeout(timer);
        this.waiting.delete(id);
      },
    };
  }
}
