/**
 * Import: YAML → store, all or nothing. The text is parsed and validated by the config loader
 * (every error with its file and line); then every resource is mapped onto the store's model
 * and the store's contents are replaced inside the caller's single transaction. Any error
 * (the loader's or ours) throws before the transaction commits, so nothing changes.
 */
import { nameProblem } from '../../shared/api-paths';
import { ContractError } from '../../shared/contract/errors';
import type { ErrorDetail } from '../../shared/errors';
import { formatConfigError, formatFieldPath, sortConfigErrors, type ConfigError } from '../config/errors';
import type { PolicyLookup } from '../config/compile-bindings';
import { loadConfigText } from '../config/load';
import type { CustomCatalogue } from './policy-config';
import type { AnyResource, LoadedResource } from '../config/resources';
import type { Env } from '../config/env';
import { EMBEDDED_GATEWAY_ID, type GatewayRecord } from '../store/gateways';
import { newId } from '../store/rows';
import type { Store } from '../store/store';
import { ANNOTATION } from './config-names';

export interface ImportOutcome {
  /** Resources in the document, by kind. */
  imported: Record<string, number>;
  warnings: string[];
}

export interface ParsedImport {
  resources: AnyResource[];
  /** Fields the file carries that are accepted but not acted on, as `file:line: field: message`. */
  warnings: string[];
}

/** Validates the text; throws VALIDATION_FAILED listing every error with its line. */
export function parseImport(text: string, file: string, env?: Env, lookup?: PolicyLookup): ParsedImport {
  // `lookup`: the built-ins plus the app's custom policies, so bindings to them are known names.
  const loaded = loadConfigText(text, file, { ...(env ? { env } : {}), ...(lookup ? { lookup } : {}) });
  if (loaded.errors.length > 0) throw importErrors(loaded.errors, file);
  return { resources: loaded.resources, warnings: loaded.warnings.map(formatConfigError) };
}

export function importErrors(errors: readonly ConfigError[], file: string): ContractError {
  const sorted = sortConfigErrors([...errors]);
  const details: ErrorDetail[] = sorted.map((error) => ({
    path: error.field,
    message: error.message,
    file: error.file,
    ...(error.line > 0 ? { line: error.line } : {}),
  }));
  const first = sorted[0]!;
  const where = first.line > 0 ? `${first.file}:${first.line}` : first.file;
  return ContractError.validation(
    details,
    `${sorted.length} error(s) in ${file}, nothing was imported; first: ${where}: ${first.field ? `${first.field}: ` : ''}${first.message}`,
  );
}

/** Shared by the import steps: error collection, ids from annotations, the result. */
export class ImportContext {
  readonly errors: ConfigError[] = [];
  /** Errors that are about the app's model, not the file: local mode (`gatehouse gateway --config`) runs such a file. */
  readonly localModeOnly = new Set<ConfigError>();
  readonly warnings: string[] = [];
  /** The app's custom policies: bindings to them are checked against their schema. */
  customPolicies?: CustomCatalogue;
  private readonly usedIds = new Set<string>();
  /** Every id the file annotates: never handed to another resource by name matching. */
  private readonly annotatedIds: ReadonlySet<string>;

  constructor(
    readonly store: Store | undefined,
    resources: readonly AnyResource[] = [],
    private readonly existing: ExistingIds = new ExistingIds(),
  ) {
    const annotated = new Set<string>();
    for (const resource of resources) {
      const annotations = resource.metadata.annotations ?? {};
      if (annotations[ANNOTATION.id] !== undefined) annotated.add(annotations[ANNOTATION.id]);
      for (const id of (annotations[ANNOTATION.policyIds] ?? '').split(',')) if (id) annotated.add(id);
    }
    this.annotatedIds = annotated;
  }

  error(resource: AnyResource, path: (string | number)[], message: string, localModeOnly = false): void {
    const error = { file: resource.file, line: resource.lineOf(path), field: formatFieldPath(path), message };
    this.errors.push(error);
    if (localModeOnly) this.localModeOnly.add(error);
  }

  /**
   * The record id for a resource: its `gatehouse.dev/id` when this instance has that record (or
   * nothing claims it), else the id of this instance's record with the same name (`matchKey`),
   * else the annotated id, else a new one. Ids are kept so telemetry and alert history survive.
   */
  idFor(resource: AnyResource, prefix: string, matchKey?: string): string {
    return this.idFrom(resource, prefix, resource.metadata.annotations?.[ANNOTATION.id], matchKey);
  }

  /** As idFor, with the annotated id given explicitly (`undefined`: the resource has none). */
  idFrom(resource: AnyResource, prefix: string, given: string | undefined, matchKey?: string): string {
    let usable: string | undefined;
    if (given !== undefined) {
      if (!/^[A-Za-z0-9_.-]{1,100}$/.test(given)) {
        this.error(resource, ['metadata', 'annotations', ANNOTATION.id], `"${given}" is not a usable id (letters, digits, "_", "-", ".")`);
      } else if (this.usedIds.has(given)) {
        this.error(resource, ['metadata', 'annotations', ANNOTATION.id], `id "${given}" is used twice in this file`);
      } else if (this.existing.has(prefix, given)) {
        return this.claim(given);
      } else {
        usable = given;
      }
    }
    if (matchKey !== undefined) {
      const same = this.existing.byKey(prefix, matchKey).find((id) => !this.usedIds.has(id) && !this.annotatedIds.has(id));
      if (same !== undefined) return this.claim(same);
    }
    return usable !== undefined ? this.claim(usable) : this.freshId(prefix);
  }

  /** A new id, for a record the file does not describe (a gateway created for a port). */
  freshId(prefix: string): string {
    let id = newId(prefix);
    while (this.usedIds.has(id) || this.existing.has(prefix, id)) id = newId(prefix);
    return this.claim(id);
  }

  private claim(id: string): string {
    this.usedIds.add(id);
    return id;
  }

  /** The display name: `gatehouse.dev/name`, else metadata.name. Checked as the admin API checks names. */
  displayName(resource: AnyResource): string {
    const given = resource.metadata.annotations?.[ANNOTATION.name];
    if (given === undefined) return resource.metadata.name;
    const problem = nameProblem(given);
    if (problem === undefined) return given.trim();
    this.error(resource, ['metadata', 'annotations', ANNOTATION.name], problem);
    // Reported once here; later checks see the (valid) resource name and add no second error.
    return resource.metadata.name;
  }
}

export interface GatewayPlan {
  list: GatewayRecord[];
  byName: Map<string, GatewayRecord>;
  /** Finds the gateway for a port, creating an embedded one for a port no gateway has. */
  forPort(port: number, resource: AnyResource, host: string): GatewayRecord;
}

export function planGateways(ctx: ImportContext, resources: LoadedResource<'Gateway'>[], keptDefault: GatewayRecord | undefined, kept: readonly GatewayRecord[] = []): GatewayPlan {
  const list: GatewayRecord[] = [];
  const byName = new Map<string, GatewayRecord>();
  const names = new Set<string>();
  const now = Date.now();
  for (const resource of resources) {
    const spec = resource.spec as { mode: 'embedded' | 'docker'; port?: number; replicas?: number; host?: unknown };
    if (spec.port === undefined) {
      ctx.error(resource, ['spec', 'port'], 'required: the port the gateway listens on');
      continue;
    }
    const clash = list.find((gateway) => gateway.port === spec.port);
    if (clash) {
      ctx.error(resource, ['spec', 'port'], `port ${spec.port} is already used by gateway "${clash.name}"`);
      continue;
    }
    // A gateway on the built-in gateway's port (and no id of its own) is the built-in one.
    const annotated = resource.metadata.annotations?.[ANNOTATION.id];
    const claimsDefault = annotated === undefined && spec.mode === 'embedded' && keptDefault?.port === spec.port && !list.some((g) => g.id === EMBEDDED_GATEWAY_ID);
    const name = ctx.displayName(resource);
    const id = ctx.idFrom(resource, 'gw', claimsDefault ? EMBEDDED_GATEWAY_ID : annotated, name);
    if (id === EMBEDDED_GATEWAY_ID && spec.mode !== 'embedded') ctx.error(resource, ['spec', 'mode'], 'the built-in gateway is embedded');
    if (names.has(name) || byName.has(resource.metadata.name)) ctx.error(resource, ['metadata', 'name'], `two gateways named "${resource.metadata.name}"`);
    names.add(name);
    if (spec.host !== undefined && typeof spec.host !== 'string') ctx.error(resource, ['spec', 'host'], 'must be a host such as 127.0.0.1');
    const host = typeof spec.host === 'string' && spec.host ? spec.host : spec.mode === 'docker' ? '0.0.0.0' : '127.0.0.1';
    const record: GatewayRecord = { id, name, kind: spec.mode, host, port: spec.port, desiredReplicas: spec.replicas ?? 1, createdAt: now, updatedAt: now };
    list.push(record);
    byName.set(resource.metadata.name, record);
  }
  // The built-in embedded gateway always exists: kept as it was unless the file redefines it.
  if (keptDefault && !list.some((gateway) => gateway.id === EMBEDDED_GATEWAY_ID)) {
    const clash = list.find((gateway) => gateway.port === keptDefault.port);
    const clashing = clash && resources.find((resource) => resource.spec.port === clash.port);
    if (clashing)
      ctx.error(clashing, ['spec', 'port'], `port ${keptDefault.port} belongs to the built-in embedded gateway; use another port, or annotate this Gateway with ${ANNOTATION.id}: ${EMBEDDED_GATEWAY_ID}`);
    let name = keptDefault.name;
    for (let n = 2; names.has(name); n++) name = `${keptDefault.name}-${n}`;
    list.unshift({ ...keptDefault, name });
    // Alert rules may name the built-in gateway without the file declaring it.
    if (!byName.has(name)) byName.set(name, list[0]!);
  }
  // A merge keeps this instance's other gateways: APIs in the file may land on them by port.
  for (const gateway of kept) {
    if (list.some((planned) => planned.id === gateway.id || planned.port === gateway.port || planned.name === gateway.name)) continue;
    list.push(gateway);
    byName.set(gateway.name, gateway);
  }

  return {
    list,
    byName,
    forPort(port, resource, host) {
      const found = list.find((gateway) => gateway.port === port);
      if (found) {
        if (host !== found.host && !(host === '0.0.0.0' && found.host === '127.0.0.1'))
          ctx.warnings.push(`${resource.kind} ${resource.metadata.name} asks for ${host}:${port}; gateway "${found.name}" listens on ${found.host}:${port}`);
        if (host === '0.0.0.0' && found.host === '127.0.0.1')
          ctx.warnings.push(`${resource.kind} ${resource.metadata.name} asks for 0.0.0.0:${port}; Gatehouse serves it on 127.0.0.1:${port} only (set the gateway's host to expose it)`);
        return found;
      }
      let name = `gateway-${port}`;
      for (let n = 2; list.some((gateway) => gateway.name === name); n++) name = `gateway-${port}-${n}`;
      const created: GatewayRecord = {
        id: ctx.freshId('gw'),
        name,
        kind: 'embedded',
        host: '127.0.0.1',
        port,
        desiredReplicas: 1,
        createdAt: Date.now(),
        updatedAt: Date.now(),
      };
      list.push(created);
      ctx.warnings.push(`no Gateway for port ${port}: created embedded gateway "${name}" on 127.0.0.1:${port}`);
      return created;
    },
  };
}

/**
 * This instance's record ids, by kind (id prefix) and by a natural key (name; API and name for
 * tiers; …): how a resource in a file finds the record it describes when ids differ.
 */
export class ExistingIds {
  private readonly ids = new Map<string, Set<string>>();
  private readonly keys = new Map<string, string[]>();

  add(prefix: string, id: string, key: string): void {
    let set = this.ids.get(prefix);
    if (!set) this.ids.set(prefix, (set = new Set()));
    set.add(id);
    const full = `${prefix}\u0000${key}`;
    this.keys.set(full, [...(this.keys.get(full) ?? []), id]);
  }

  has(prefix: string, id: string): boolean {
    return this.ids.get(prefix)?.has(id) ?? false;
  }

  byKey(prefix: string, key: string): string[] {
    return this.keys.get(`${prefix}\u0000${key}`) ?? [];
  }

  static of(store: Store): ExistingIds {
    const existing = new ExistingIds();
    for (const gateway of store.gateways.list()) existing.add('gw', gateway.id, gateway.name);
    for (const api of store.apis.list()) existing.add('api', api.id, api.name);
    for (const binding of store.policies.list()) existing.add('pol', binding.id, `${binding.apiId} ${binding.policyRef}`);
    for (const tier of store.tiers.list()) existing.add('tier', tier.id, `${tier.apiId} ${tier.name}`);
    for (const app of store.applications.list()) existing.add('app', app.id, app.name);
    for (const contract of store.contracts.list()) existing.add('con', contract.id, `${contract.applicationId} ${contract.apiId}`);
    for (const rule of store.alertRules.list()) existing.add('rule', rule.id, rule.name);
    return existing;
  }
}
