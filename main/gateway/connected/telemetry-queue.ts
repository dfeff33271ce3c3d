/**
 * Requests a replica served and has not delivered yet. Bounded: while the control plane is
 * away the oldest facts are dropped (and counted) rather than growing memory without end.
 */
import type { RequestFact } from '../telemetry';

/** A RequestFact as sent: without header maps (replicas do not capture them). */
export type WireFact = Omit<RequestFact, 'requestHeaders' | 'responseHeaders'>;

export interface TelemetryBatchOut {
  facts: WireFact[];
  dropped: number;
}

export class TelemetryQueue {
  private facts: WireFact[] = [];
  private dropped = 0;

  constructor(private readonly capacity = 20_000) {}

  get size(): number {
    return this.facts.length;
  }

  push(fact: RequestFact): void {
    const { requestHeaders: _request, responseHeaders: _response, ...wire } = fact;
    this.facts.push(wire);
    if (this.facts.length > this.capacity) {
      const excess = this.facts.length - this.capacity;
      this.facts.splice(0, excess);
      this.dropped += excess;
    }
  }

  /** Removes up to `max` of the oldest facts (and the drop count) for sending. */
  take(max: number): TelemetryBatchOut {
    const facts = this.facts.splice(0, max);
    const dropped = this.dropped;
    this.dropped = 0;
    return { facts, dropped };
  }

  /** A batch that could not be sent goes back in front (within capacity). */
  giveBack(batch: TelemetryBatchOut): void {
    this.facts = batch.facts.concat(this.facts);
    this.dropped += batch.dropped;
    if (this.facts.length > this.capacity) {
      const excess = this.facts.length - this.capacity;
      this.facts.splice(0, excess);
      this.dropped += excess;
    }
  }
}
