/**
 * The store: one SQLite connection and a repository per aggregate. Writes that touch several
 * rows go through `transaction`, so they commit together or not at all. Secrets are written
 * hashed or encrypted with `secrets` (the data dir's key unless the app injects another).
 */
import path from 'node:path';
import { AlertEventRepository } from './alert-events';
import { AlertRuleRepository, webhookField } from './alert-rules';
import { setApiOwnedRowsAsideForRefill } from './api-owned-rows';
import { ApiRepository } from './apis';
import { ApplicationRepository } from './applications';
import { ContractRepository } from './contracts';
import { CustomPolicyRepository } from './custom-policies';
import { openDatabase, scrubFreeSpace, type OpenOptions, type SqliteDatabase } from './database';
import { EMBEDDED_GATEWAY_ID, GatewayRepository, type GatewayRecord } from './gateways';
import { PolicyBindingRepository } from './policy-bindings';
import { unreadablePolicySecrets } from './policy-secrets';
import { isSealed, SecretBox } from './secret-box';
import { fileSecretKeyProvider, type SecretKeyProvider } from './secret-keys';
import { MockRepository } from './mocks';
import { SavedRequestRepository } from './saved-requests';
import { SettingsRepository } from './settings';
import { SigningKeyRepository } from './signing-keys';
import { SlaTierRepository } from './sla-tiers';

export const DEFAULT_GATEWAY_PORT = 8081;

export interface StoreOpenOptions extends OpenOptions {
  /** Where the key for encrypted secrets comes from (default: `<dataDir>/secret-key`). */
  secrets?: SecretBox | SecretKeyProvider;
}

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
  readonly mocks: MockRepository;
  readonly signingKeys: SigningKeyRepository;
  readonly savedRequests: SavedRequestRepository;
  readonly customPolicies: CustomPolicyRepository;
  private readonly clearStatements;

  constructor(
    readonly db: SqliteDatabase,
    readonly secrets: SecretBox = new SecretBox(fileSecretKeyProvider(path.dirname(db.name))),
  ) {
    this.gateways = new GatewayRepository(db);
    this.apis = new ApiRepository(db);
    this.policies = new PolicyBindingRepository(db, secrets);
    this.applications = new ApplicationRepository(db);
    this.tiers = new SlaTierRepository(db);
    this.contracts = new ContractRepository(db);
    this.alertRules = new AlertRuleRepository(db, secrets);
    this.alertEvents = new AlertEventRepository(db);
    this.settings = new SettingsRepository(db);
    this.mocks = new MockRepository(db);
    this.signingKeys = new SigningKeyRepository(db, secrets);
    this.savedRequests = new SavedRequestRepository(db);
    this.customPolicies = new CustomPolicyRepository(db);
    // Children first, so foreign keys hold at every step.
    this.clearStatements = ['api_mocks', 'recording_exchanges', 'recordings', 'api_openapi_documents', 'alert_events', 'alert_rules', 'contracts', 'sla_tiers', 'applications', 'policy_bindings', 'apis', 'gateways'].map(
      (table) => db.prepare(`DELETE FROM ${table}`),
    );
  }

  static open(dataDir: string, options: StoreOpenOptions = {}): Store {
    const { secrets, ...openOptions } = options;
    const box = secrets instanceof SecretBox ? secrets : new SecretBox(secrets ?? fileSecretKeyProvider(dataDir));
    return new Store(openDatabase(dataDir, openOptions), box);
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
    // Rows of an API that are not in the YAML come back with the APIs the refill keeps.
    setApiOwnedRowsAsideForRefill(this.db);
    for (const statement of this.clearStatements) statement.run();
  }

  /**
   * Hashes or encrypts secrets that an older Gatehouse stored in clear, then rebuilds the file
   * and empties the WAL so the old values do not linger on disk. Returns how many rows were
   * rewritten.
   */
  sealPlainSecrets(): number {
    const count = this.transaction(() => this.policies.sealPlainSecrets() + this.alertRules.sealPlainSecrets());
    if (count > 0) scrubFreeSpace(this.db);
    return count;
  }

  /** Why each stored secret that cannot be decrypted (key lost or replaced) is unusable, one line each. */
  unreadableSecrets(): string[] {
    const problems: string[] = [];
    for (const rule of this.alertRules.list()) {
      const url = rule.spec.webhookUrl;
      if (!isSealed(url)) continue;
      try {
        this.secrets.open(url, webhookField(rule.name));
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    for (const binding of this.policies.list())
      problems.push(...unreadablePolicySecrets(binding.policyRef, binding.config, this.secrets, `policy binding ${binding.id}: config`).map((problem) => problem.message));
    return problems;
  }

  /** Changes when another connection (process) commits; used to notice outside writes. */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
