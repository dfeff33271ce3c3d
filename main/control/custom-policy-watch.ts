/**
 * Watches a custom policy's file or folder: fs.watch for speed, plus a cheap poll of names,
 * sizes and mtimes (fs.watch misses changes on some filesystems and after an editor's
 * rename-over-save). The callback runs once per settled change, never twice at a time.
 */
import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';

const SCRIPT = /\.(?:[cm]?[jt]s|tsx|jsx|json)$/;
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

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

/** Names, sizes and mtimes of the scripts a policy may be made of (the file's folder, or the whole folder). */
export function sourceStamp(source: string): string {
  const hash = createHash('sha256');
  const files = isDirectory(source) ? scriptsUnder(source, 0) : scriptsIn(path.dirname(source), source);
  for (const file of files) {
    try {
      const stat = statSync(file);
      hash.update(`${file}\0${stat.size}\0${stat.mtimeMs}\0`);
    } catch {
      hash.update(`${file}\0gone\0`);
    }
  }
  return hash.digest('hex');
}

function isDirectory(target: string): boolean {
  try {
    return statSync(target).isDirectory();
  } catch {
    return false;
  }
}

function scriptsIn(dir: string, file: string): string[] {
  try {
    return [...new Set([file, ...readdirSync(dir).filter((name) => SCRIPT.test(name)).map((name) => path.join(dir, name))])].sort();
  } catch {
    return [file];
  }
}

function scriptsUnder(dir: string, depth: number): string[] {
  if (depth > 6) return [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...scriptsUnder(full, depth + 1));
    } else if (SCRIPT.test(entry.name)) out.push(full);
  }
  return out;
}
