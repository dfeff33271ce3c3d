/**
 * Apply a declarative file to the store: plan (file → records, ids matched to this instance's
 * records by id, else by name), combine with what the store keeps (merge: everything the file
 * does not describe; sync: only the built-in gateway), check the result as a whole, diff it
 * against the store resource by resource, and (unless a dry run) write it. Call inside one
 * transaction: any error throws before anything is written, so a failed apply changes nothing.
 */
import type { ConfigChange, ConfigImportMode } from '../../shared/contract/config-models';
import { ContractError } from '../../shared/contract/errors';
import type { ConfigError } from '../config/errors';
import { resourcesOfKind, type AnyResource } from '../config/resources';
import type { AlertEventRecord } from '../store/alert-events';
import { EMBEDDED_GATEWAY_ID, type GatewayRecord } from '../store/gateways';
import { DEFAULT_GATEWAY_PORT, type Store } from '../store/store';
import { importApis } from './config-import-apis';
import type { CustomCatalogue } from './policy-config';
import { importIdentity } from './config-import-identity';
import { ExistingIds, ImportContext, importErrors, planGateways, type ImportOutcome, type ParsedImport } from './config-import';

/**
 * Replaces everything in the store with the document's resources (`apply --mode sync`). Call
 * inside one transaction: throws (and the caller rolls back) on any error.
 */
export function replaceWithImport(store: Store, parsed: ParsedImport, file: string): ImportOutcome {
  const outcome = applyImport(store, parsed, file, { mode: 'sync' });
  return { imported: outcome.imported, warnings: outcome.warnings };
}

export interface ApplyOptions {
  mode: ConfigImportMode;
  /** Plan and diff only: nothing is written. */
  dryRun?: boolean;
  /** The app's custom policies (bindings to them are checked against their schema). */
  customPolicies?: CustomCatalogue;
}

export interface ApplyOutcome extends ImportOutcome {
  mode: ConfigImportMode;
  /** Resource by resource, what the apply changes (or would change, in a dry run). */
  changes: ConfigChange[];
  applied: boolean;
}

/** A record as planned or stored, reduced to what a diff compares. */
interface Entry {
  kind: string;
  id: string;
  name: string;
  fields: Record<string, unknown>;
}

/** Fields that say when (or are always the same, an API's type), not what: never a change. */
const VOLATILE = new Set(['id', 'createdAt', 'updatedAt', 'position', 'type']);

/**
 * The import checks on their own, without a store: what \`gatehouse validate\` runs after the
 * loader so that validate and import agree. \`errors\` make the file unimportable anywhere;
 * \`localModeOnly\` are limits of the app's model (local mode runs such a file). \`customPolicies\`:
 * a data dir's policies library, as the import into it would check bindings.
 */
export function checkImport(resources: readonly AnyResource[], customPolicies?: CustomCatalogue): { errors: ConfigError[]; localModeOnly: ConfigError[] } {
  const ctx = new ImportContext(undefined, resources);
  ctx.customPolicies = customPolicies;
  const now = Date.now();
  const builtIn: GatewayRecord = { id: EMBEDDED_GATEWAY_ID, name: 'embedded', kind: 'embedded', host: '127.0.0.1', port: DEFAULT_GATEWAY_PORT, desiredReplicas: 1, createdAt: now, updatedAt: now };
  const gateways = planGateways(ctx, resourcesOfKind(resources, 'Gateway'), builtIn);
  const apis = importApis(ctx, resources, gateways);
  importIdentity(ctx, resources, apis, gateways);
  return { errors: ctx.errors.filter((error) => !ctx.localModeOnly.has(error)), localModeOnly: [...ctx.localModeOnly] };
}

export function applyImport(store: Store, parsed: ParsedImport, file: string, options: ApplyOptions): ApplyOutcome {
  const { mode } = options;
  const resources = parsed.resources;
  const ctx = new ImportContext(store, resources, ExistingIds.of(store));
  ctx.customPolicies = options.customPolicies;
  ctx.warnings.push(...parsed.warnings);
  const keptDefault = store.gateways.get(EMBEDDED_GATEWAY_ID);
  const before = {
    gateways: store.gateways.list(),
    apis: store.apis.list(),
    bindings: store.policies.list(),
    tiers: store.tiers.list(),
    applications: store.applications.list(),
    contracts: store.contracts.list(),
    alertRules: store.alertRules.list(),
  };

  const gateways = planGateways(ctx, resourcesOfKind(resources, 'Gateway'), keptDefault, mode === 'merge' ? before.gateways : []);
  const apis = importApis(ctx, resources, gateways);
  const identity = importIdentity(ctx, resources, apis, gateways);
  if (ctx.errors.length > 0) throw importErrors(ctx.errors, file);

  // Records the file describes keep the creation time of the record they replace.
  const created = new Map<string, number>();
  for (const list of Object.values(before)) for (const record of list) created.set(record.id, record.createdAt);
  const keepCreated = <T extends { id?: string; createdAt?: number }>(record: T): T =>
    record.id !== undefined && created.has(record.id) ? { ...record, createdAt: created.get(record.id)! } : record;

  const planned = {
    gateways: gateways.list.map(keepCreated),
    apis: apis.records.map(keepCreated),
    bindings: apis.bindings.map(keepCreated),
    tiers: identity.tiers.map(keepCreated),
    applications: identity.applications.map(keepCreated),
    contracts: identity.contracts.map(keepCreated),
    alertRules: identity.alertRules.map(keepCreated),
  };
  const next = mode === 'sync' ? planned : mergeWithStore(planned, before);
  checkCombined(next, mode, file);

  const changes = diff(entriesOf(before), entriesOf(next));
  const imported: Record<string, number> = {};
  // An Extension stands for the policies library's custom policy and is never stored: not counted as imported.
  for (const resource of resources) if (resource.kind !== 'Extension') imported[resource.kind] = (imported[resource.kind] ?? 0) + 1;
  const outcome: ApplyOutcome = { mode, imported, warnings: ctx.warnings, changes, applied: false };
  if (options.dryRun || changes.length === 0) return outcome;

  // Alert history is not configuration: keep the events of rules that survive.
  const history = store.alertEvents.list({ limit: 1_000_000 });
  store.clearResources();
  for (const gateway of next.gateways) store.gateways.insert(gateway);
  for (const api of next.apis) store.apis.insert(api);
  for (const binding of next.bindings) store.policies.insert(binding);
  for (const tier of next.tiers) store.tiers.insert(tier);
  for (const app of next.applications) store.applications.insert(app);
  for (const contract of next.contracts) store.contracts.insert(contract);
  for (const rule of next.alertRules) store.alertRules.insert(rule);
  restoreHistory(store, history, new Set(next.alertRules.map((rule) => rule.id!)));
  return { ...outcome, applied: true };
}

/** The diff's name for a change in the sequence of an API's policies alone. */
const POLICY_ORDER = 'policy order';

type Planned = {
  gateways: { id: string; name: string; port: number; createdAt?: number }[];
  apis: { id?: string; name: string; gatewayId: string; basePath?: string; createdAt?: number }[];
  bindings: { id?: string; apiId: string; policyRef: string; order?: number; position?: number; createdAt?: number }[];
  tiers: { id?: string; apiId: string; name: string; createdAt?: number }[];
  applications: { id?: string; name: string; clientId: string; createdAt?: number }[];
  contracts: { id?: string; applicationId: string; apiId: string; tierId?: string; createdAt?: number }[];
  alertRules: { id?: string; name: string; apiId?: string; gatewayId?: string; createdAt?: number }[];
};

/** Merge: the file's records, plus every stored record the file does not describe. */
function mergeWithStore<P extends Planned>(planned: P, before: Planned): P {
  const ids = (list: readonly { id?: string }[]) => new Set(list.map((record) => record.id));
  const add = <T extends { id?: string }>(mine: readonly T[], stored: readonly T[]): T[] => {
    const have = ids(mine);
    return [...mine, ...stored.filter((record) => !have.has(record.id))];
  };
  // An API in the file brings its whole policy list; other APIs keep theirs.
  const fileApis = ids(planned.apis);
  return {
    ...planned,
    gateways: planned.gateways, // planGateways already kept the stored ones
    apis: add(planned.apis, before.apis),
    bindings: add(
      planned.bindings,
      before.bindings.filter((binding) => !fileApis.has(binding.apiId)),
    ),
    tiers: add(planned.tiers, before.tiers),
    applications: add(planned.applications, before.applications),
    contracts: add(planned.contracts, before.contracts),
    alertRules: add(planned.alertRules, before.alertRules),
  };
}

/** What must hold of the whole result (a merge can combine a file and a store that disagree). */
function checkCombined(next: Planned, mode: ConfigImportMode, file: string): void {
  const problems: { path: string; message: string }[] = [];
  const unique = <T>(list: readonly T[], key: (record: T) => string | undefined, message: (record: T) => string, path: string) => {
    const seen = new Set<string>();
    for (const record of list) {
      const value = key(record);
      if (value === undefined) continue;
      if (seen.has(value)) problems.push({ path, message: message(record) });
      seen.add(value);
    }
  };
  unique(next.gateways, (g) => String(g.port), (g) => `two gateways on port ${g.port} (gateway "${g.name}")`, 'Gateway.spec.port');
  unique(next.gateways, (g) => g.name, (g) => `two gateways named "${g.name}"`, 'Gateway.metadata.name');
  unique(next.apis, (a) => a.name, (a) => `two APIs named "${a.name}"`, 'ApiInstance.metadata.name');
  unique(next.apis, (a) => `${a.gatewayId} ${a.basePath ?? '/'}`, (a) => `two APIs serve ${a.basePath ?? '/'} on one gateway (API "${a.name}")`, 'ApiInstance.spec.address');
  unique(next.applications, (a) => a.name, (a) => `two applications named "${a.name}"`, 'Application.metadata.name');
  unique(next.applications, (a) => a.clientId, (a) => `two applications with client id "${a.clientId}"`, 'Application.spec.clientId');
  unique(next.tiers, (t) => `${t.apiId} ${t.name}`, (t) => `two tiers named "${t.name}" on one API`, 'SlaTier.metadata.name');
  unique(next.contracts, (c) => `${c.applicationId} ${c.apiId}`, () => 'an application has two contracts for one API', 'Contract.spec.api');
  unique(next.alertRules, (r) => r.name, (r) => `two alert rules named "${r.name}"`, 'AlertRule.metadata.name');
  if (problems.length === 0) return;
  const hint = mode === 'merge' ? ' (the file and what this instance keeps disagree; rename one, or apply with --mode sync)' : '';
  throw ContractError.validation(
    problems.map((problem) => ({ ...problem, file, message: problem.message + hint })),
    `${problems.length} conflict(s) applying ${file}, nothing was changed; first: ${problems[0]!.message}${hint}`,
  );
}

function entriesOf(records: Planned): Entry[] {
  const apiNames = new Map(records.apis.map((api) => [api.id, api.name]));
  const appNames = new Map(records.applications.map((app) => [app.id, app.name]));
  const entries: Entry[] = [];
  const push = (kind: string, record: { id?: string }, name: string, extra: Record<string, unknown> = {}) =>
    entries.push({ kind, id: record.id!, name, fields: { ...comparable(record), ...extra } });
  for (const gateway of records.gateways) push('Gateway', gateway, gateway.name);
  for (const api of records.apis) {
    // An API's policies are part of it, as in the file (ApiInstance spec.policies), in the order
    // the pipeline runs them (order, then declaration): a reorder among equal orders is a change.
    // Positions themselves are not compared (stored ones may have gaps); the sequence is.
    const bindings = records.bindings
      .filter((binding) => binding.apiId === api.id)
      .sort((a, b) => (a.order ?? 50) - (b.order ?? 50) || (a.position ?? 0) - (b.position ?? 0) || String(a.id).localeCompare(String(b.id)))
      .map((binding) => stable(comparable(binding)));
    push('ApiInstance', api, api.name, { policies: [...bindings].sort(), [POLICY_ORDER]: bindings });
  }
  for (const tier of records.tiers) push('SlaTier', tier, `${apiNames.get(tier.apiId) ?? tier.apiId}/${tier.name}`);
  for (const app of records.applications) push('Application', app, app.name);
  for (const contract of records.contracts)
    push('Contract', contract, `${appNames.get(contract.applicationId) ?? contract.applicationId} → ${apiNames.get(contract.apiId) ?? contract.apiId}`);
  for (const rule of records.alertRules) push('AlertRule', rule, rule.name);
  return entries;
}

function diff(before: Entry[], after: Entry[]): ConfigChange[] {
  const old = new Map(before.map((entry) => [`${entry.kind} ${entry.id}`, entry]));
  const changes: ConfigChange[] = [];
  const seen = new Set<string>();
  for (const entry of after) {
    const key = `${entry.kind} ${entry.id}`;
    seen.add(key);
    const previous = old.get(key);
    if (!previous) {
      changes.push({ action: 'add', kind: entry.kind, name: entry.name });
      continue;
    }
    const changed = [...new Set([...Object.keys(previous.fields), ...Object.keys(entry.fields)])]
      .filter((field) => stable(previous.fields[field]) !== stable(entry.fields[field]))
      .sort();
    // Changed policies change the sequence too: the order is news only when the policies are the same.
    const fields = changed.includes('policies') ? changed.filter((field) => field !== POLICY_ORDER) : changed;
    if (fields.length > 0) changes.push({ action: 'change', kind: entry.kind, name: entry.name, fields });
  }
  for (const entry of before) if (!seen.has(`${entry.kind} ${entry.id}`)) changes.push({ action: 'remove', kind: entry.kind, name: entry.name });
  const order = ['Gateway', 'ApiInstance', 'SlaTier', 'Application', 'Contract', 'AlertRule'];
  return changes.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.name.localeCompare(b.name) || a.action.localeCompare(b.action));
}

/** The record without ids, timestamps and undefined fields. */
function comparable(record: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key, value]) => !VOLATILE.has(key) && key !== 'apiId' && value !== undefined));
}

/** JSON with sorted keys: equal values give equal text. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, child: unknown) =>
    child && typeof child === 'object' && !Array.isArray(child) ? Object.fromEntries(Object.entries(child).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : child,
  );
}

function restoreHistory(store: Store, history: AlertEventRecord[], ruleIds: ReadonlySet<string>): void {
  for (const event of [...history].reverse()) if (ruleIds.has(event.ruleId)) store.alertEvents.insert(event);
}

/** One line per change, as `gatehouse diff` and `gatehouse apply` print it. */
export function formatChanges(changes: readonly ConfigChange[]): string[] {
  const sign = { add: '+', change: '~', remove: '-' } as const;
  return changes.map((change) => `${sign[change.action]} ${change.kind} ${change.name}${change.fields?.length ? ` (${change.fields.join(', ')})` : ''}`);
}

/** `2 to add, 1 to change, 0 to remove` */
export function summarizeChanges(changes: readonly ConfigChange[]): string {
  const count = (action: ConfigChange['action']) => changes.filter((change) => change.action === action).length;
  return `${count('add')} to add, ${count('change')} to change, ${count('remove')} to remove`;
}
