/**
 * A response body sent at a fixed rate (fault-injection's slowBody): chunks are queued as
 * they arrive and written on a short timer so that, at any moment, no more than
 * `bytesPerSecond × elapsed` bytes have gone out. The upstream is paused only when a lot is
 * queued, so a slow client never looks like a stalled upstream for long.
 */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

const TICK_MS = 20;
/** Above this much queued, the source is paused (and resumed below half of it). */
const HIGH_WATER = 8 * 1024 * 1024;

export class BodyTrickle {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private sent = 0;
  private ended = false;
  private readonly started = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly res: ServerResponse,
    private readonly bytesPerSecond: number,
    private readonly source?: Readable,
  ) {
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.source !== undefined && this.queued > HIGH_WATER) this.source.pause();
  }

  end(): void {
    this.ended = true;
  }

  /** The exchange is over (client gone, upstream died): stop writing. */
  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const res = this.res;
    if (res.destroyed) return this.stop();
    let allowed = Math.floor((this.bytesPerSecond * (performance.now() - this.started)) / 1000) - this.sent;
    while (allowed > 0 && this.queue.length > 0) {
      const head = this.queue[0]!;
      const piece = head.length <= allowed ? head : head.subarray(0, allowed);
      if (piece === head) this.queue.shift();
      else this.queue[0] = head.subarray(allowed);
      res.write(piece);
      this.sent += piece.length;
      this.queued -= piece.length;
      allowed -= piece.length;
    }
    if (this.source !== undefined && this.source.isPaused() && this.queued < HIGH_WATER / 2) this.source.resume();
    if (this.ended && this.queue.length === 0) {
      this.stop();
      res.end();
    }
  }
}

/** A whole body (a gateway-made or mock answer) sent at the rate. */
export function trickleBody(res: ServerResponse, bytesPerSecond: number, body: string | Buffer): void {
  const trickle = new BodyTrickle(res, bytesPerSecond);
  trickle.push(typeof body === 'string' ? Buffer.from(body) : body);
  trickle.end();
  res.on('close', () => trickle.stop());
}
