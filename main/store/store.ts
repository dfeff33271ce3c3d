/**
 * The store: one SQLite connection and a repository per aggregate. Writes that touch several
 * rows go through `transaction`, so they commit together or not at all.
 */
import { AlertEventRepository } from './alert-events';
import { AlertRuleRepository } from './alert-rules';
import { ApiRepository } from './apis';
import { ApplicationRepository } from './applications';
import { ContractRepository } from './contracts';
import { openDatabase, type OpenOptions, type SqliteDatabase } from './database';
import { EMBEDDED_GATEWAY_ID, GatewayRepository, type GatewayRecord } from './gateways';
import { PolicyBindingRepository } from './policy-bindings';
import { SettingsRepository } from './settings';
import { SlaTierRepository } from './sla-tiers';

export const DEFAULT_GATEWAY_PORT = 8081;

export class Store {
  readonly gateways: GatewayRepository;
  readonly apis: ApiRepository;
  readonly policies: PolicyBindingRepository;
  readonly applications: ApplicationRepository;
  readonly tiers: SlaTierRepository;
  readonly contracts: ContractRepository;
  readonly alertRules: AlertRuleRepository;
  readonly alertEvents: AlertEventRepository;
  readonly settings: SettingsRepository;
  private readonly clearStatements;

  constructor(readonly db: SqliteDatabase) {
    this.gateways = new GatewayRepository(db);
    this.apis = new ApiRepository(db);
    this.policies = new PolicyBindingRepository(db);
    this.applications = new ApplicationRepository(db);
    this.tiers = new SlaTierRepository(db);
    this.contracts = new ContractRepository(db);
    this.alertRules = new AlertRuleRepository(db);
    this.alertEvents = new AlertEventRepository(db);
    this.settings = new SettingsRepository(db);
    // Children first, so foreign keys hold at every step.
    this.clearStatements = ['alert_events', 'alert_rules', 'contracts', 'sla_tiers', 'applications', 'policy_bindings', 'apis', 'gateways'].map(
      (table) => db.prepare(`DELETE FROM ${table}`),
    );
  }

  static open(dataDir: string, options?: OpenOptions): Store {
    return new Store(openDatabase(dataDir, options));
  }

  /** Runs `fn` in one IMMEDIATE transaction (takes the write lock up front: no upgrade deadlock). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /**
   * Creates the embedded gateway on first start. An explicit port or host moves it there (the
   * user asked for `--gateway-port`); without them the stored values stay.
   */
  ensureEmbeddedGateway(port?: number, host?: string): GatewayRecord {
    return this.transaction(() => {
      const existing = this.gateways.get(EMBEDDED_GATEWAY_ID);
      if (!existing)
        return this.gateways.insert({
          id: EMBEDDED_GATEWAY_ID,
          name: this.gateways.findByName('embedded') ? EMBEDDED_GATEWAY_ID : 'embedded',
          kind: 'embedded',
          port: port ?? DEFAULT_GATEWAY_PORT,
          host: host ?? '127.0.0.1',
        });
      if ((port !== undefined && existing.port !== port) || (host !== undefined && existing.host !== host))
        return this.gateways.update(existing.id, { port: port ?? existing.port, host: host ?? existing.host })!;
      return existing;
    });
  }

  /** The built-in gateway, where APIs go when no gateway is named. */
  embeddedGateway(): GatewayRecord | undefined {
    return this.gateways.get(EMBEDDED_GATEWAY_ID);
  }

  /** Deletes every resource (not settings); callers wrap it in a transaction with the refill. */
  clearResources(): void {
    for (const statement of this.clearStatements) statement.run();
  }

  /** Changes when another connection (process) commits; used to notice outside writes. */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
