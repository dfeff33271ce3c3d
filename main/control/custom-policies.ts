/**
 * Custom policies added in the app: their sources live in SQLite (main/store/custom-policies.ts),
 * their compiled versions in one CustomPolicyLibrary that feeds the embedded gateway
 * (`policies` / `catalogue`), the snapshot builder (config checks, bundled code for replicas)
 * and the admin API's binding checks. Each source is watched: an edit compiles again and, when
 * the code changed, is applied through LiveConfig like any config change, so the next request
 * runs it. A version that does not compile, or whose schema refuses a config an API already
 * has, leaves the last good version serving and shows the error as `file:line: message`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ContractError } from '../../shared/contract/errors';
import type { CustomPolicyInfo } from '../../shared/contract/custom-policies';
import type { PolicyCatalogueEntry } from '../../shared/policies/catalogue-entry';
import type { CustomPolicySnapshot } from '../gateway/snapshot';
import { CustomPolicyLibrary, formatPolicyError, type BlockingReport } from '../policies/custom/library';
import type { CompiledCustomPolicy, CustomPolicyError } from '../policies/custom/loader';
import type { PolicyDefinition } from '../policies/types';
import type { CustomPolicyRecord } from '../store/custom-policies';
import type { Store } from '../store/store';
import { SourceWatcher, type SourceWatchOptions } from './custom-policy-watch';
import type { EventBus } from './event-bus';
import type { ControlLog, LiveConfig } from './live-config';
import type { CustomPolicySource } from './snapshot-builder';

export interface CustomPoliciesOptions {
  /** Read connection (committed data). */
  store: Store;
  /** Writes go through LiveConfig: the snapshot with the new code is applied before the commit. */
  write: LiveConfig['write'];
  bus: EventBus;
  log: ControlLog;
  /** Hooks holding the event loop longer than this are reported (default 200 ms). */
  blockLimitMs?: number;
  watch?: SourceWatchOptions | false;
  /** After any change of a serving version (replica snapshots are rebuilt). */
  onChange?: () => void;
}

export class CustomPolicies implements CustomPolicySource {
  readonly library: CustomPolicyLibrary;
  private readonly watchers = new Map<string, SourceWatcher>();
  /** Why the newest version of a source is not serving although it compiled (a config it refuses). */
  private readonly applyErrors = new Map<string, CustomPolicyError>();
  /** One load at a time per source. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private closed = false;

  constructor(private readonly options: CustomPoliciesOptions) {
    this.library = new CustomPolicyLibrary({
      ...(options.blockLimitMs ? { blockLimitMs: options.blockLimitMs } : {}),
      onBlocked: (report) => this.reportBlocking(report),
    });
  }

  // --- what the gateway and the snapshot builder use

  definition = (name: string): PolicyDefinition | undefined => this.library.definition(name);

  catalogueEntry = (name: string): PolicyCatalogueEntry | undefined => this.library.catalogueEntry(name);

  bundle(name: string): CustomPolicySnapshot | undefined {
    const policy = this.library.policies().find((candidate) => candidate.name === name);
    return policy ? { name: policy.name, version: policy.version, checksum: policy.checksum, code: policy.code, source: policy.source } : undefined;
  }

  // --- life cycle

  /** Serves what was kept of each source, then compiles the files as they are now and watches them. */
  async start(): Promise<void> {
    const records = this.options.store.customPolicies.list();
    for (const record of records) {
      if (record.loaded) {
        const kept = this.library.loadCode(record.loaded.code, record.source, record.loaded.checksum);
        if (kept.error) this.options.log('error', `custom policy ${record.source}: the kept version does not load: ${formatPolicyError(kept.error)}`);
      }
    }
    for (const record of records) await this.refresh(record).catch((error: Error) => this.options.log('error', `custom policy ${record.source}: ${error.message}`));
    for (const record of records) this.watchSource(record);
  }

  close(): void {
    this.closed = true;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  // --- the contract's operations

  list(): CustomPolicyInfo[] {
    return this.options.store.customPolicies.list().map((record) => this.info(record));
  }

  async add(given: string): Promise<CustomPolicyInfo> {
    const source = path.resolve(given);
    if (!path.isAbsolute(given.trim()))
      throw ContractError.validation([{ path: 'path', message: `give an absolute path (the app resolves nothing against its own folder), got "${given}"` }]);
    if (!existsSync(source)) throw ContractError.validation([{ path: 'path', message: `no such file or folder: ${source}` }]);
    if (this.options.store.customPolicies.findBySource(source)) throw ContractError.conflict(`${source} is already in the policies library`, [{ path: 'path', message: 'already added' }]);
    const loaded = await this.library.load(source);
    if (!loaded.policy || loaded.error) {
      this.library.remove(source);
      const error = loaded.error ?? { file: source, message: 'did not load' };
      throw ContractError.validation([{ path: 'path', message: formatPolicyError(error) }], `the policy does not load: ${formatPolicyError(error)}`);
    }
    const policy = loaded.policy;
    let record: CustomPolicyRecord;
    try {
      record = await this.options.write((tx) => {
        const inserted = tx.customPolicies.insert(source);
        return tx.customPolicies.setLoaded(inserted.id, bundleOf(policy))!;
      });
    } catch (error) {
      this.library.remove(source);
      throw error;
    }
    this.watchSource(record);
    this.changed(record.id, 'created');
    return this.info(record);
  }

  async reload(id: string): Promise<CustomPolicyInfo> {
    const record = this.require(id);
    await this.refresh(record);
    return this.info(this.require(id));
  }

  async remove(id: string): Promise<void> {
    const record = this.require(id);
    const name = this.library.entries().find((entry) => entry.source === record.source)?.policy?.name ?? record.loaded?.name;
    const users = name ? this.usage(name) : [];
    if (users.length > 0) {
      const apis = [...new Set(users.map((use) => use.apiName))];
      throw ContractError.conflict(`${name} is used by ${apis.length === 1 ? 'API' : 'APIs'} ${apis.map((api) => `"${api}"`).join(', ')}; remove it from ${apis.length === 1 ? 'that API' : 'those APIs'} first`);
    }
    await this.options.write((tx) => tx.customPolicies.delete(id));
    this.watchers.get(record.id)?.close();
    this.watchers.delete(record.id);
    this.library.remove(record.source);
    this.applyErrors.delete(record.source);
    this.changed(id, 'removed');
  }

  // --- internals

  private require(id: string): CustomPolicyRecord {
    const record = this.options.store.customPolicies.get(id);
    if (!record) throw ContractError.notFound('custom policy', id);
    return record;
  }

  private watchSource(record: CustomPolicyRecord): void {
    if (this.options.watch === false || this.closed || this.watchers.has(record.id)) return;
    const watcher = new SourceWatcher(
      record.source,
      async () => {
        const current = this.options.store.customPolicies.get(record.id);
        if (current) await this.refresh(current);
      },
      this.options.watch,
    );
    this.watchers.set(record.id, watcher);
  }

  /** Compiles the source again; a new good version is applied, a failure keeps the last good one. */
  private refresh(record: CustomPolicyRecord): Promise<void> {
    const previous = this.queues.get(record.source) ?? Promise.resolve();
    const run = previous.then(() => this.refreshNow(record));
    this.queues.set(
      record.source,
      run.catch(() => undefined),
    );
    return run;
  }

  private async refreshNow(record: CustomPolicyRecord): Promise<void> {
    const before = this.serving(record.source);
    const beforeError = this.errorOf(record.source);
    const result = await this.library.load(record.source);
    const now = result.policy;
    if (now && now.checksum !== before?.checksum && !result.error) {
      try {
        await this.options.write((tx) => tx.customPolicies.setLoaded(record.id, bundleOf(now)));
        this.applyErrors.delete(record.source);
        this.options.log('info', `custom policy ${now.name} ${now.version} loaded from ${record.source}`);
      } catch (error) {
        // The new schema refuses a config an API has: the old version goes on serving.
        if (before) this.library.loadCode(before.code, record.source, before.checksum);
        else this.library.remove(record.source);
        const message = `not applied: ${(error as Error).message}`;
        this.applyErrors.set(record.source, { file: record.source, message });
        this.options.log('error', `custom policy ${record.source}: ${message}`);
      }
    } else if (result.error) {
      this.applyErrors.delete(record.source);
      this.options.log('error', `custom policy ${record.source}: ${formatPolicyError(result.error)}${before ? ` (version ${before.version} goes on serving)` : ''}`);
    } else this.applyErrors.delete(record.source);
    const after = this.serving(record.source);
    if (after?.checksum !== before?.checksum || JSON.stringify(this.errorOf(record.source)) !== JSON.stringify(beforeError)) this.changed(record.id, 'updated');
  }

  private serving(source: string): CompiledCustomPolicy | undefined {
    return this.library.entries().find((entry) => entry.source === source)?.policy;
  }

  private errorOf(source: string): CustomPolicyError | undefined {
    return this.library.entries().find((entry) => entry.source === source)?.error ?? this.applyErrors.get(source);
  }

  private usage(name: string): CustomPolicyInfo['usedBy'] {
    const { store } = this.options;
    return store.policies
      .list()
      .filter((binding) => binding.policyRef === name)
      .map((binding) => ({ apiId: binding.apiId, apiName: store.apis.get(binding.apiId)?.name ?? binding.apiId, bindingId: binding.id }));
  }

  private info(record: CustomPolicyRecord): CustomPolicyInfo {
    const policy = this.serving(record.source);
    const error = this.errorOf(record.source);
    const name = policy?.name ?? record.loaded?.name;
    const apiNames = new Map(this.options.store.apis.list().map((api) => [api.id, api.name]));
    return {
      id: record.id,
      source: record.source,
      status: error ? 'error' : 'ok',
      ...(error ? { error: { ...error, text: formatPolicyError(error) } } : {}),
      ...(policy
        ? {
            name: policy.name,
            version: policy.version,
            ...(policy.title !== undefined ? { title: policy.title } : {}),
            ...(policy.description !== undefined ? { description: policy.description } : {}),
            schema: policy.schema as Record<string, unknown>,
            ...(policy.fields ? { fields: policy.fields } : {}),
            defaults: policy.catalogueEntry.defaults as Record<string, unknown>,
            checksum: policy.checksum,
          }
        : name
          ? { name }
          : {}),
      usedBy: name ? this.usage(name) : [],
      blocking: name
        ? this.library
            .blocking()
            .filter((report) => report.policy === name)
            .map((report) => ({ hook: report.hook, durationMs: report.durationMs, limitMs: report.limitMs, apiId: report.apiId, ...(apiNames.has(report.apiId) ? { apiName: apiNames.get(report.apiId)! } : {}), at: report.at }))
        : [],
      addedAt: record.createdAt,
    };
  }

  /** When each policy's block was last told, and how many were not told since. */
  private readonly blockingTold = new Map<string, { at: number; untold: number }>();

  /**
   * A policy that blocks on every request would otherwise log, and refresh every open library
   * screen, once per request: one report per policy every few seconds, with the count between.
   */
  private reportBlocking(report: BlockingReport): void {
    const told = this.blockingTold.get(report.policy);
    const now = Date.now();
    if (told && now - told.at < BLOCKING_REPORT_INTERVAL_MS) {
      told.untold += 1;
      return;
    }
    const more = told?.untold ? ` (and ${told.untold} more time${told.untold === 1 ? '' : 's'} since the last report)` : '';
    this.blockingTold.set(report.policy, { at: now, untold: 0 });
    this.options.log('warn', `custom policy ${report.policy} blocked the event loop for ${Math.round(report.durationMs)} ms in ${report.hook} (limit ${report.limitMs} ms)${more}`);
    const record = this.options.store.customPolicies.list().find((candidate) => this.serving(candidate.source)?.name === report.policy);
    if (record) this.changed(record.id, 'updated');
  }

  private changed(id: string, action: 'created' | 'updated' | 'removed'): void {
    this.options.bus.emit('customPolicies.changed', { id, action });
    this.options.onChange?.();
  }
}

const BLOCKING_REPORT_INTERVAL_MS = 5000;

function bundleOf(policy: CompiledCustomPolicy) {
  return { name: policy.name, version: policy.version, checksum: policy.checksum, code: policy.code };
}
