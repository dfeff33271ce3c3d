/**
 * Log lines written in batches: one write per 50 ms (or per 64 KiB) instead of one per line,
 * which is what made the per-request access log cost a quarter of `gatehouse gateway`'s
 * throughput (a write per event-loop turn still cost a syscall for every one or two requests
 * under load: stdout and files are written synchronously). Nothing is lost: a batch is flushed
 * before any other line goes to the same stream (order is kept), on close, and when the process
 * exits (stdout and files are written synchronously then), so a SIGTERM after N requests still
 * leaves N lines; a line waits at most 50 ms, which a terminal or `tail -f` does not show.
 */

const MAX_BATCH_BYTES = 64 * 1024;
const MAX_BATCH_DELAY_MS = 50;

export class LineBatch {
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly flushSoon = () => {
    this.timer = undefined;
    this.flush();
  };

  constructor(
    private readonly write: (text: string) => void,
    private readonly maxBytes = MAX_BATCH_BYTES,
    private readonly maxDelayMs = MAX_BATCH_DELAY_MS,
  ) {}

  push(line: string): void {
    // One string grown in place (V8 keeps it as a rope until the write flattens it once).
    this.pending += `${line}\n`;
    if (this.pending.length >= this.maxBytes) this.flush();
    else if (this.timer === undefined) {
      this.timer = setTimeout(this.flushSoon, this.maxDelayMs);
      // Never what keeps the process alive: exit flushes what is pending.
      this.timer.unref();
    }
  }

  /** Writes what is pending now (one write). */
  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.write(text);
  }
}

/** Batched lines on stdout; anything else written to stdout goes through writeStdout to keep order. */
export const stdoutLines = new LineBatch((text) => process.stdout.write(text));
process.on('exit', () => stdoutLines.flush());

/** Writes `text` to stdout after the pending batched lines. */
export function writeStdout(text: string): void {
  stdoutLines.flush();
  process.stdout.write(text);
}
