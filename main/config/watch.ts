/**
 * Hot reload: watches a config file or conf.d directory and reloads after changes settle.
 * fs.watch is fast but unreliable on some filesystems (network mounts, some containers), so a
 * cheap poll of names, sizes and mtimes runs beside it. A reload is reported only when the
 * content of the files actually changed (an added, removed or edited file all count). With
 * `policies`, the custom policies the config declares are watched too, wherever they are, and an
 * edit of one is a change like an edit of the YAML (compiled again, checked, reported).
 */
import { statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { loadConfig, loadConfigWithPolicies, type LoadOptions, type LoadResult } from './load';
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
  const policies = options.policies;
  const statNow = () => statFingerprint(target) + (policies ? `\n${policies.statFingerprint()}` : '');
  let lastStat = statNow();
  let lastContent = options.initial?.fingerprint ?? loadConfig(target, options).fingerprint;
  /** Loading policies is async: one reload at a time, and one more if a change came meanwhile. */
  let loading = false;
  let again = false;
  const policyWatchers = new Map<string, FSWatcher>();

  const reload = async () => {
    timer = undefined;
    if (closed) return;
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      const result = policies ? await loadConfigWithPolicies(target, { ...options, policies }) : loadConfig(target, options);
      if (closed) return;
      watchPolicies();
      if (result.fingerprint === lastContent) return;
      lastContent = result.fingerprint;
      onChange(result);
    } finally {
      loading = false;
      if (again && !closed) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void reload(), debounceMs);
  };

  /** Follows the set of policy files and folders the last load declared. */
  const watchPolicies = () => {
    if (!policies) return;
    const wanted = new Map(policies.watchPaths().map((entry) => [`${entry.recursive ? 'r' : 'f'}:${entry.path}`, entry]));
    for (const [key, fsWatcher] of policyWatchers) {
      if (wanted.has(key)) continue;
      fsWatcher.close();
      policyWatchers.delete(key);
    }
    for (const [key, { path: watched, recursive }] of wanted) {
      if (policyWatchers.has(key)) continue;
      try {
        const fsWatcher = watch(watched, { recursive, persistent: false }, () => schedule());
        fsWatcher.on('error', () => {
          fsWatcher.close();
          policyWatchers.delete(key);
        });
        policyWatchers.set(key, fsWatcher);
      } catch {
        // gone for now; the poll notices when it is back
      }
    }
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
  watchPolicies();
  // Anything written between the caller's load and this point is picked up now.
  if (options.initial) schedule();

  const poll = setInterval(() => {
    startWatching();
    watchPolicies();
    const current = statNow();
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
      for (const fsWatcher of policyWatchers.values()) fsWatcher.close();
      policyWatchers.clear();
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
