/**
 * The custom policies a conf.d declares (Extension `spec.source`), as last loaded: what the
 * config compiler reads synchronously, while loading (esbuild, async) happens before it in
 * `refresh`. A source is loaded again only when one of its files changed (names, sizes and
 * mtimes of the scripts beside it, or in its folder); a failed load keeps the last good version
 * (the loader's library does) with the error beside it.
 */
import path from 'node:path';
import type { ZodType } from 'zod';
import { isDirectory, sourceStamp } from '../policies/custom/source-stamp';

/** What main/config needs of a compiled policy (main/policies/custom/loader.ts CompiledCustomPolicy). */
export interface LoadedPolicy {
  name: string;
  version: string;
  checksum: string;
  catalogueEntry: { schema: ZodType };
}

export interface PolicyLoadError {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

export interface PolicyLoadState {
  /** The version serving: the last one that loaded, possibly older than the file. */
  policy?: LoadedPolicy;
  /** Why the file as it is now did not load. */
  error?: PolicyLoadError;
}

/** main/policies/custom/library.ts CustomPolicyLibrary fits this. */
export interface PolicyLoader {
  load(source: string): Promise<PolicyLoadState>;
  remove(source: string): boolean;
}

export class PolicySources {
  private readonly states = new Map<string, { stamp: string; state: PolicyLoadState }>();

  constructor(private readonly loader: PolicyLoader) {}

  /**
   * Loads each source whose files changed since the last refresh, and forgets sources no longer
   * declared. Resolves true when anything was loaded or forgotten.
   */
  async refresh(sources: readonly string[]): Promise<boolean> {
    let changed = false;
    const wanted = new Set(sources);
    for (const source of [...this.states.keys()]) {
      if (wanted.has(source)) continue;
      this.states.delete(source);
      this.loader.remove(source);
      changed = true;
    }
    for (const source of wanted) {
      const stamp = sourceStamp(source);
      if (this.states.get(source)?.stamp === stamp) continue;
      let state: PolicyLoadState;
      try {
        state = await this.loader.load(source);
      } catch (error) {
        state = { ...this.states.get(source)?.state, error: { file: source, message: (error as Error).message } };
      }
      this.states.set(source, { stamp, state });
      changed = true;
    }
    return changed;
  }

  get(source: string): PolicyLoadState | undefined {
    return this.states.get(source)?.state;
  }

  /** What to watch: a folder policy's folder (recursively), a file policy's directory. */
  watchPaths(): { path: string; recursive: boolean }[] {
    const paths = new Map<string, boolean>();
    for (const source of this.states.keys()) {
      if (isDirectory(source)) paths.set(source, true);
      else paths.set(path.dirname(source), paths.get(path.dirname(source)) ?? false);
    }
    return [...paths].map(([watched, recursive]) => ({ path: watched, recursive }));
  }

  /** Cheap change detector for the watcher's poll: names, sizes and mtimes. */
  statFingerprint(): string {
    return [...this.states.keys()].map(sourceStamp).join('\n');
  }
}
