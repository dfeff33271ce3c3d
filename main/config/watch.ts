/**
 * Hot reload: watches a config file or conf.d directory and reloads after changes settle.
 * fs.watch is fast but unreliable on some filesystems (network mounts, some containers), so a
 * cheap poll of names, sizes and mtimes runs beside it. A reload is reported only when the
 * content of the files actually changed (an added, removed or edited file all count).
 */
import { statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { loadConfig, type LoadOptions, type LoadResult } from './load';
import { listConfigFiles } from './yaml-source';

export interface WatchOptions extends LoadOptions {
  /** Quiet period after the last change before reloading (ms). */
  debounceMs?: number;
  /** Poll interval of the fallback (ms). */
  pollMs?: number;
  /** The load the caller already applied: a change made since then is not missed. */
  initial?: LoadResult;
}

export interface ConfigWatcher {
  close(): void;
}

export function watchConfig(target: string, onChange: (result: LoadResult) => void, options: WatchOptions = {}): ConfigWatcher {
  const debounceMs = options.debounceMs ?? 150;
  const pollMs = options.pollMs ?? 1000;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  let lastStat = statFingerprint(target);
  let lastContent = options.initial?.fingerprint ?? loadConfig(target, options).fingerprint;

  const reload = () => {
    timer = undefined;
    if (closed) return;
    const result = loadConfig(target, options);
    if (result.fingerprint === lastContent) return;
    lastContent = result.fingerprint;
    onChange(result);
  };
  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(reload, debounceMs);
  };

  const startWatching = () => {
    if (watcher || closed) return;
    try {
      const isDirectory = statSync(target).isDirectory();
      // Editors replace a file (write + rename); watching its directory survives that.
      const watched = isDirectory ? target : path.dirname(target);
      const base = path.basename(target);
      watcher = watch(watched, { recursive: isDirectory, persistent: false }, (_event, filename) => {
        if (isDirectory || !filename || filename.toString() === base) schedule();
      });
      watcher.on('error', () => {
        watcher?.close();
        watcher = undefined;
      });
    } catch {
      watcher = undefined; // missing for now; the poll retries
    }
  };
  startWatching();
  // Anything written between the caller's load and this point is picked up now.
  if (options.initial) schedule();

  const poll = setInterval(() => {
    startWatching();
    const current = statFingerprint(target);
    if (current !== lastStat) {
      lastStat = current;
      schedule();
    }
  }, pollMs);
  poll.unref();

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      clearInterval(poll);
      watcher?.close();
    },
  };
}

function statFingerprint(target: string): string {
  const { files } = listConfigFiles(target);
  return files
    .map((file) => {
      try {
        const stat = statSync(file);
        return `${file}\u0000${stat.size}\u0000${stat.mtimeMs}`;
      } catch {
        return `${file}\u0000gone`;
      }
    })
    .join('\n');
}
