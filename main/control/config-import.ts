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
import { loadConfigText } from '../config/load';
import type { AnyResource, LoadedResource } from '../config/resources';
import { resourcesOfKind } from '../config/resources';
import type { Env } from '../config/env';
import type { AlertEventRecord } from '../store/alert-events';
import { EMBEDDED_GATEWAY_ID, type GatewayRecord } from '../store/gateways';
import { newId } from '../store/rows';
import type { Store } from '../store/store';
import { importApis } from './config-import-apis';
import { importIdentity } from './config-import-identity';
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
export function parseImport(text: string, file: string, env?: Env): ParsedImport {
  const loaded = loadConfigText(text, file, env ? { env } : {});
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
  readonly warnings: string[] = [];
  private readonly usedIds = new Set<string>();

  constructor(readonly store: Store) {}

  error(resource: AnyResource, path: (string | number)[], message: string): void {
    this.errors.push({ file: resource.file, line: resource.lineOf(path), field: formatFieldPath(path), message });
  }

  /** The id in `gatehouse.dev/id` (kept, so references from telemetry survive), else a new one. */
  idFor(resource: AnyResource, prefix: string, given = resource.metadata.annotations?.[ANNOTATION.id]): string {
    if (given !== undefined) {
      if (!/^[A-Za-z0-9_.-]{1,100}$/.test(given)) {
        this.error(resource, ['metadata', 'annotations', ANNOTATION.id], `"${given}" is not a usable id (letters, digits, "_", "-", ".")`);
      } else if (this.usedIds.has(given)) {
        this.error(resource, ['metadata', 'annotations', ANNOTATION.id], `id "${given}" is used twice in this file`);
      } else {
        this.usedIds.add(given);
        return given;
      }
    }
    let id = newId(prefix);
    while (this.usedIds.has(id)) id = newId(prefix);
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

/**
 * Replaces everything in the store with the document's resources. Call inside one
 * transaction: throws (and the caller rolls back) on any error.
 */
export function replaceWithImport(store: Store, parsed: ParsedImport, file: string): ImportOutcome {
  const ctx = new ImportContext(store);
  ctx.warnings.push(...parsed.warnings);
  const resources = parsed.resources;
  const keptDefault = store.gateways.get(EMBEDDED_GATEWAY_ID);
  // Alert history is not configuration: keep the events of rules that survive the import.
  const history = store.alertEvents.list({ limit: 1_000_000 });

  const gateways = planGateways(ctx, resourcesOfKind(resources, 'Gateway'), keptDefault);
  const apis = importApis(ctx, resources, gateways);
  const identity = importIdentity(ctx, resources, apis, gateways);
  if (ctx.errors.length > 0) throw importErrors(ctx.errors, file);

  store.clearResources();
  for (const gateway of gateways.list) store.gateways.insert(gateway);
  for (const api of apis.records) store.apis.insert(api);
  for (const binding of apis.bindings) store.policies.insert(binding);
  for (const tier of identity.tiers) store.tiers.insert(tier);
  for (const app of identity.applications) store.applications.insert(app);
  for (const contract of identity.contracts) store.contracts.insert(contract);
  for (const rule of identity.alertRules) store.alertRules.insert(rule);
  restoreHistory(store, history, new Set(identity.alertRules.map((rule) => rule.id!)));

  const imported: Record<string, number> = {};
  for (const resource of resources) imported[resource.kind] = (imported[resource.kind] ?? 0) + 1;
  return { imported, warnings: ctx.warnings };
}

function restoreHistory(store: Store, history: AlertEventRecord[], ruleIds: ReadonlySet<string>): void {
  for (const event of [...history].reverse()) if (ruleIds.has(event.ruleId)) store.alertEvents.insert(event);
}

export interface GatewayPlan {
  list: GatewayRecord[];
  byName: Map<string, GatewayRecord>;
  /** Finds the gateway for a port, creating an embedded one for a port no gateway has. */
  forPort(port: number, resource: AnyResource, host: string): GatewayRecord;
}

function planGateways(ctx: ImportContext, resources: LoadedResource<'Gateway'>[], keptDefault: GatewayRecord | undefined): GatewayPlan {
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
    const id = ctx.idFor(resource, 'gw', claimsDefault ? EMBEDDED_GATEWAY_ID : annotated);
    if (id === EMBEDDED_GATEWAY_ID && spec.mode !== 'embedded') ctx.error(resource, ['spec', 'mode'], 'the built-in gateway is embedded');
    const name = ctx.displayName(resource);
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
        id: ctx.idFor(resource, 'gw', undefined),
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
