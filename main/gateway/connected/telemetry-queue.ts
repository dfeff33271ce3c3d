/**
 * Requests a replica served and has not delivered yet. Bounded: while the control plane is
 * away the oldest facts are dropped (and counted) rather than growing memory without end, and
 * captured bodies (base64 on the wire) stop being queued past a byte budget (the facts still are).
 */
import type { RequestFact } from '../telemetry';

/** A RequestFact as sent: without header maps (replicas do not capture them), bodies in base64. */
export type WireFact = Omit<RequestFact, 'requestHeaders' | 'responseHeaders' | 'requestBody' | 'responseBody' | 'captured'> & {
  requestBody64?: string;
  responseBody64?: string;
};

/** Bytes of each body a replica keeps for the control plane's traffic view. */
export const REPLICA_BODY_BYTES = 16 * 1024;
/** Queued bodies (base64 characters) at most, all facts together. */
const BODY_BUDGET = 16 * 1024 * 1024;

function bodyChars(fact: WireFact): number {
  return (fact.requestBody64?.length ?? 0) + (fact.responseBody64?.length ?? 0);
}

/** The fact as the control plane ingests it (bodies back to bytes). */
export function fromWire(wire: WireFact): RequestFact {
  const { requestBody64, responseBody64, ...fact } = wire;
  const out: RequestFact = fact;
  if (requestBody64) out.requestBody = Buffer.from(requestBody64, 'base64');
  if (responseBody64) out.responseBody = Buffer.from(responseBody64, 'base64');
  return out;
}

export interface TelemetryBatchOut {
  facts: WireFact[];
  dropped: number;
}

export class TelemetryQueue {
  private facts: WireFact[] = [];
  private dropped = 0;
  private bodyChars = 0;

  constructor(private readonly capacity = 20_000) {}

  get size(): number {
    return this.facts.length;
  }

  push(fact: RequestFact): void {
    const { requestHeaders: _request, responseHeaders: _response, requestBody, responseBody, captured: _captured, ...rest } = fact;
    const wire: WireFact = rest;
    const size = (requestBody?.length ?? 0) + (responseBody?.length ?? 0);
    if (size > 0 && this.bodyChars + (size * 4) / 3 <= BODY_BUDGET) {
      if (requestBody) wire.requestBody64 = requestBody.toString('base64');
      if (responseBody) wire.responseBody64 = responseBody.toString('base64');
      this.bodyChars += bodyChars(wire);
    }
    this.facts.push(wire);
    if (this.facts.length > this.capacity) this.dropOldest(this.facts.length - this.capacity);
  }

  private dropOldest(count: number): void {
    for (const fact of this.facts.splice(0, count)) this.bodyChars -= bodyChars(fact);
    this.dropped += count;
  }

  /** Removes up to `max` of the oldest facts (and the drop count) for sending. */
  take(max: number): TelemetryBatchOut {
    const facts = this.facts.splice(0, max);
    for (const fact of facts) this.bodyChars -= bodyChars(fact);
    const dropped = this.dropped;
    this.dropped = 0;
    return { facts, dropped };
  }

  /** A batch that could not be sent goes back in front (within capacity). */
  giveBack(batch: TelemetryBatchOut): void {
    this.facts = batch.facts.concat(this.facts);
    for (const fact of batch.facts) this.bodyChars += bodyChars(fact);
    this.dropped += batch.dropped;
    if (this.facts.length > this.capacity) this.dropOldest(this.facts.length - this.capacity);
  }
}
