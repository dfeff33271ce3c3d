/**
 * The schema, as an ordered list of migrations. `PRAGMA user_version` records the last one
 * applied. Never edit a released migration: append a new one.
 *
 * JSON columns hold what is shaped by the policy catalogue or the alert kinds (policy config,
 * rules, tier limits, alert rule settings) so that those can grow without a migration.
 */
import type { SqliteDatabase } from './database';
import { BASIC_AUTH_POLICY, hashBasicAuthPassword } from './policy-secrets';

export interface Migration {
  version: number;
  description: string;
  sql: string;
  /** Data changes SQL cannot make (hashing); runs after `sql`, in the same transaction. */
  run?: (db: SqliteDatabase) => void;
}

/** Basic-auth passwords were stored as given; from version 3 only their scrypt hash is. */
function hashStoredBasicAuthPasswords(db: SqliteDatabase): void {
  const rows = db.prepare<[string], { id: string; config: string }>(`SELECT id, config FROM policy_bindings WHERE policy_ref = ?`).all(BASIC_AUTH_POLICY);
  const update = db.prepare<[string, string]>(`UPDATE policy_bindings SET config = ? WHERE id = ?`);
  for (const row of rows) {
    const config = JSON.parse(row.config) as Record<string, unknown> | null;
    if (!config) continue;
    const hashed = hashBasicAuthPassword(config);
    if (hashed !== config) update.run(JSON.stringify(hashed), row.id);
  }
}

const TIMESTAMPS = `created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'gateways, apis, policy bindings, applications, tiers, contracts, alerts, settings',
    sql: `
      CREATE TABLE gateways (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('embedded', 'docker')),
        host TEXT NOT NULL DEFAULT '127.0.0.1',
        port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
        desired_replicas INTEGER NOT NULL DEFAULT 1 CHECK (desired_replicas >= 0),
        ${TIMESTAMPS}
      );

      CREATE TABLE apis (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        version TEXT NOT NULL,
        type TEXT NOT NULL DEFAULT 'http',
        description TEXT,
        implementation_url TEXT NOT NULL,
        base_path TEXT NOT NULL,
        gateway_id TEXT NOT NULL REFERENCES gateways(id),
        enabled INTEGER NOT NULL DEFAULT 1,
        ${TIMESTAMPS}
      );
      CREATE UNIQUE INDEX apis_gateway_base_path ON apis(gateway_id, base_path);

      CREATE TABLE policy_bindings (
        id TEXT PRIMARY KEY,
        api_id TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
        policy_ref TEXT NOT NULL,
        config TEXT NOT NULL,
        "order" INTEGER NOT NULL DEFAULT 50,
        enabled INTEGER NOT NULL DEFAULT 1,
        rules TEXT,
        -- declaration order: breaks ties between equal "order" values
        position INTEGER NOT NULL,
        ${TIMESTAMPS}
      );
      CREATE INDEX policy_bindings_api ON policy_bindings(api_id, "order", position);

      CREATE TABLE applications (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        description TEXT,
        client_id TEXT NOT NULL UNIQUE,
        secret_hash TEXT NOT NULL,
        ${TIMESTAMPS}
      );

      CREATE TABLE sla_tiers (
        id TEXT PRIMARY KEY,
        api_id TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        description TEXT,
        limits TEXT NOT NULL,
        approval TEXT NOT NULL CHECK (approval IN ('automatic', 'manual')),
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deprecated')),
        ${TIMESTAMPS},
        UNIQUE (api_id, name)
      );

      -- tier_id is checked at statement end (NO ACTION), so deleting an API cascades to its
      -- contracts and tiers in one statement; deleting a tier in use is refused by the service.
      CREATE TABLE contracts (
        id TEXT PRIMARY KEY,
        application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
        api_id TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
        tier_id TEXT REFERENCES sla_tiers(id),
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'revoked')),
        ${TIMESTAMPS},
        UNIQUE (application_id, api_id)
      );
      CREATE INDEX contracts_api ON contracts(api_id);
      CREATE INDEX contracts_tier ON contracts(tier_id);

      CREATE TABLE alert_rules (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        api_id TEXT REFERENCES apis(id) ON DELETE CASCADE,
        gateway_id TEXT REFERENCES gateways(id) ON DELETE CASCADE,
        enabled INTEGER NOT NULL DEFAULT 1,
        -- comparator, threshold, window, periods, severity, codes, webhook… (JSON)
        spec TEXT NOT NULL,
        ${TIMESTAMPS}
      );

      CREATE TABLE alert_events (
        id TEXT PRIMARY KEY,
        rule_id TEXT NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
        state TEXT NOT NULL CHECK (state IN ('fired', 'resolved')),
        value REAL NOT NULL,
        threshold REAL NOT NULL,
        at INTEGER NOT NULL,
        message TEXT
      );
      CREATE INDEX alert_events_rule_at ON alert_events(rule_id, at);
      CREATE INDEX alert_events_at ON alert_events(at);

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'webhook delivery of alert events',
    // JSON { status, attempts, lastError?, at }; NULL when the rule has no webhook.
    sql: `ALTER TABLE alert_events ADD COLUMN delivery TEXT;`,
  },
  {
    version: 3,
    description: 'basic-auth passwords stored as salted hashes',
    sql: '',
    run: hashStoredBasicAuthPasswords,
  },
  {
    version: 4,
    description: 'signing keys of the token workbench (private part sealed)',
    sql: `
      CREATE TABLE signing_keys (
        api_id TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
        kid TEXT NOT NULL,
        alg TEXT NOT NULL,
        -- public JWK (JSON); NULL for HMAC secrets
        public_jwk TEXT,
        -- private JWK (JSON) or HMAC secret, always enc:v1:… (secret-box)
        private_material TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (api_id, kid)
      );
    `,
  },
  {
    version: 5,
    description: 'mocks: OpenAPI documents kept with their API, mock settings, recordings and their exchanges',
    sql: `
      CREATE TABLE api_openapi_documents (
        api_id TEXT PRIMARY KEY REFERENCES apis(id) ON DELETE CASCADE,
        -- the document as imported (JSON or YAML text)
        document TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE recordings (
        id TEXT PRIMARY KEY,
        api_id TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (api_id, name)
      );
      CREATE TABLE recording_exchanges (
        id INTEGER PRIMARY KEY,
        recording_id TEXT NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        query TEXT NOT NULL,
        status INTEGER NOT NULL,
        -- response headers (JSON), secrets left out
        headers TEXT NOT NULL,
        body BLOB NOT NULL,
        truncated INTEGER NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX recording_exchanges_by_recording ON recording_exchanges (recording_id, id);
      CREATE TABLE api_mocks (
        api_id TEXT PRIMARY KEY REFERENCES apis(id) ON DELETE CASCADE,
        mode TEXT NOT NULL,
        source TEXT NOT NULL,
        recording_id TEXT REFERENCES recordings(id) ON DELETE SET NULL,
        -- hand-written routes (JSON)
        routes TEXT NOT NULL,
        -- while the record switch is on: the recording new responses go to
        record_into TEXT REFERENCES recordings(id) ON DELETE SET NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 6,
    description: 'saved requests of Try it, per API',
    sql: `
      CREATE TABLE saved_requests (
        id TEXT PRIMARY KEY,
        api_id TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        method TEXT NOT NULL,
        -- path and query below the API's base path
        path TEXT NOT NULL,
        -- request headers (JSON object)
        headers TEXT NOT NULL,
        body TEXT,
        -- the OpenAPI operation it was made from ('GET /users/{id}'), when one was chosen
        operation TEXT,
        ${TIMESTAMPS},
        UNIQUE (api_id, name)
      );
    `,
  },
  {
    version: 7,
    description: 'custom policies added in the app (their source file or folder and the last version that loaded)',
    sql: `
      CREATE TABLE custom_policies (
        id TEXT PRIMARY KEY,
        -- absolute path of the .ts/.js file or folder
        source TEXT NOT NULL UNIQUE,
        -- the last version that compiled and loaded: a restart serves it while the file is broken
        name TEXT,
        version TEXT,
        checksum TEXT,
        code TEXT,
        ${TIMESTAMPS}
      );
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
