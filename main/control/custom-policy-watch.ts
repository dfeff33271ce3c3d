/**
 * Watches a custom policy's file or folder: fs.watch for speed, plus a cheap poll of names,
 * sizes and mtimes (fs.watch misses changes on some filesystems and after an editor's
 * rename-over-save). The callback runs once per settled change, never twice at a time.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { isDirectory, sourceStamp } from '../policies/custom/source-stamp';

export interface SourceWatchOptions {
  /** Quiet time after the last event before the callback (default 100 ms). */
  debounceMs?: number;
  /** Poll interval of the fallback (default 1000 ms). */
  pollMs?: number;
}

export class SourceWatcher {
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stamp: string;
  private running = false;
  private again = false;
  private closed = false;

  constructor(
    private readonly source: string,
    private readonly onChange: () => Promise<void>,
    private readonly options: SourceWatchOptions = {},
  ) {
    this.stamp = sourceStamp(source);
    const folder = isDirectory(source);
    try {
      // A file is watched through its folder: editors often replace the file instead of writing it.
      this.watcher = watch(folder ? source : path.dirname(source), { recursive: folder, persistent: false }, () => this.schedule());
      this.watcher.on('error', () => undefined);
    } catch {
      // The poll below still notices changes.
    }
    this.poll = setInterval(() => this.schedule(), options.pollMs ?? 1000);
    this.poll.unref();
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), this.options.debounceMs ?? 100);
    this.timer.unref();
  }

  private async check(): Promise<void> {
    this.timer = undefined;
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const stamp = sourceStamp(this.source);
    if (stamp === this.stamp) return;
    this.stamp = stamp;
    this.running = true;
    try {
      await this.onChange();
    } catch {
      // The callback reports its own failures.
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    }
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    if (this.poll) clearInterval(this.poll);
    if (this.timer) clearTimeout(this.timer);
  }
}
