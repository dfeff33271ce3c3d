/**
 * The custom policies a gateway knows, by name and by the file or folder each came from. A
 * reload that fails (syntax error, bad definition) keeps the last good version serving and
 * keeps the error beside it, for the health endpoint and the app. Blocking hooks reported by
 * the adapter are kept (the last few) for the same audiences.
 *
 * Used by the config compiler (`lookup`), the gateway runtime (`definition`, `catalogue`),
 * local mode's loader and the control plane.
 */
import path from 'node:path';
import type { ZodType } from 'zod';
import type { PolicyCatalogueEntry } from '../../../shared/policies/catalogue-entry';
import { findPolicy } from '../../../shared/policies/catalogue';
import type { PolicyDefinition } from '../types';
import { DEFAULT_BLOCK_LIMIT_MS, type BlockingReport, type HookWatch } from './adapter';
import { instantiateCustomPolicy, loadCustomPolicy, type CompiledCustomPolicy, type CustomPolicyError, type CustomPolicyLoad } from './loader';

export type { BlockingReport } from './adapter';

/** The shape of main/config's PolicyLookup (policies may not import config). */
export interface PolicyLookupLike {
  find(name: string): { schema: ZodType; scope: 'request' | 'listener' | 'upstream' | 'probe' } | undefined;
  names(): string[];
}

export interface CustomPolicyLibraryOptions {
  /** Hooks running longer than this without yielding are reported (default 200 ms). */
  blockLimitMs?: number;
  /** Called after every change of the good versions or errors (reload the snapshot, refresh the UI). */
  onChange?: () => void;
  /** Called for each blocking report, as it happens. */
  onBlocked?: (report: BlockingReport) => void;
}

export interface CustomPolicyLibraryEntry {
  /** Absolute path of the file or folder. */
  source: string;
  /** The version serving: the last one that loaded, possibly older than the file now. */
  policy?: CompiledCustomPolicy;
  /** Why the latest load failed; absent after a good load. */
  error?: CustomPolicyError;
}

const KEPT_REPORTS = 50;

export class CustomPolicyLibrary {
  private readonly bySource = new Map<string, CustomPolicyLibraryEntry>();
  private readonly byName = new Map<string, CompiledCustomPolicy>();
  private readonly reports: BlockingReport[] = [];
  readonly watch: HookWatch;

  constructor(private readonly options: CustomPolicyLibraryOptions = {}) {
    const limitMs = options.blockLimitMs ?? DEFAULT_BLOCK_LIMIT_MS;
    if (!(limitMs > 0)) throw new RangeError(`blockLimitMs must be > 0, got ${limitMs}`);
    this.watch = { limitMs, report: (report) => this.reportBlocking(report) };
  }

  /** Compiles and loads a file or folder (again); on failure the last good version stays. */
  async load(sourcePath: string): Promise<{ policy?: CompiledCustomPolicy; error?: CustomPolicyError }> {
    const source = path.resolve(sourcePath);
    return this.settle(source, await loadCustomPolicy(source, { watch: this.watch }));
  }

  /** Code compiled elsewhere (a Docker replica's snapshot): no esbuild; the checksum must match. */
  loadCode(code: string, source: string, checksum?: string): { policy?: CompiledCustomPolicy; error?: CustomPolicyError } {
    const load = instantiateCustomPolicy(code, source, { watch: this.watch });
    if (load.ok && checksum !== undefined && load.policy.checksum !== checksum)
      return this.settle(load.policy.source, { ok: false, error: { file: load.policy.source, message: `checksum mismatch: expected ${checksum}, the code has ${load.policy.checksum}` } });
    return this.settle(load.ok ? load.policy.source : source, load);
  }

  /** The file or folder is gone: its policy is no longer offered. */
  remove(sourcePath: string): boolean {
    const source = path.resolve(sourcePath);
    const entry = this.bySource.get(source);
    if (entry === undefined) return false;
    this.bySource.delete(source);
    if (entry.policy !== undefined && this.byName.get(entry.policy.name) === entry.policy) this.byName.delete(entry.policy.name);
    this.options.onChange?.();
    return true;
  }

  private settle(source: string, load: CustomPolicyLoad): { policy?: CompiledCustomPolicy; error?: CustomPolicyError } {
    const previous = this.bySource.get(source);
    let entry: CustomPolicyLibraryEntry;
    if (load.ok) {
      const owner = this.byName.get(load.policy.name);
      if (owner !== undefined && owner.source !== source) {
        entry = { source, policy: previous?.policy, error: { file: source, message: `name: "${load.policy.name}" is already defined by ${owner.source}` } };
      } else {
        if (previous?.policy !== undefined && previous.policy.name !== load.policy.name) this.byName.delete(previous.policy.name);
        this.byName.set(load.policy.name, load.policy);
        entry = { source, policy: load.policy };
      }
    } else entry = { source, policy: previous?.policy, error: load.error };
    this.bySource.set(source, entry);
    this.options.onChange?.();
    return { ...(entry.policy === undefined ? {} : { policy: entry.policy }), ...(entry.error === undefined ? {} : { error: entry.error }) };
  }

  /** The implementation the gateway runs for `name` (its current good version). */
  definition(name: string): PolicyDefinition | undefined {
    return this.byName.get(name)?.definition;
  }

  /** The catalogue entry of a custom policy (built-ins are not here). */
  catalogueEntry(name: string): PolicyCatalogueEntry | undefined {
    return this.byName.get(name)?.catalogueEntry;
  }

  /** For GatewayRuntimeOptions.catalogue: built-ins first, then custom policies. */
  catalogue = (name: string): PolicyCatalogueEntry | undefined => findPolicy(name) ?? this.catalogueEntry(name);

  /** The config compiler's lookup with the custom policies added (a built-in always wins). */
  lookup(base: PolicyLookupLike): PolicyLookupLike {
    return {
      find: (name) => base.find(name) ?? this.catalogueEntry(name),
      names: () => [...base.names(), ...[...this.byName.keys()].filter((name) => base.find(name) === undefined)],
    };
  }

  /** Every file or folder loaded, with its serving version and its latest error. */
  entries(): CustomPolicyLibraryEntry[] {
    return [...this.bySource.values()];
  }

  policies(): CompiledCustomPolicy[] {
    return [...this.byName.values()];
  }

  errors(): { source: string; error: CustomPolicyError }[] {
    return this.entries().flatMap((entry) => (entry.error === undefined ? [] : [{ source: entry.source, error: entry.error }]));
  }

  /** Hooks that blocked the event loop, newest last (the last 50). */
  blocking(): BlockingReport[] {
    return this.reports.slice();
  }

  private reportBlocking(report: BlockingReport): void {
    this.reports.push(report);
    if (this.reports.length > KEPT_REPORTS) this.reports.shift();
    this.options.onBlocked?.(report);
  }
}

/** `file:line:column: message`, the way editors and terminals link it. */
export function formatPolicyError(error: CustomPolicyError): string {
  const at = error.line === undefined ? error.file : `${error.file}:${error.line}${error.column === undefined ? '' : `:${error.column}`}`;
  return `${at}: ${error.message}`;
}
