/**
 * Signing keys of the token workbench, several per API (rotation). The private part (a private
 * JWK, or an HMAC secret) is stored only sealed with the data dir's key; the public JWK is
 * stored as it is, since it is served at the API's JWKS URL anyway.
 */
import type { SqliteDatabase } from './database';
import type { SecretBox } from './secret-box';
import { fromJson, nowMs } from './rows';

export interface SigningKeyRecord {
  apiId: string;
  kid: string;
  alg: string;
  /** Absent for HMAC secrets. */
  publicJwk?: Record<string, unknown>;
  createdAt: number;
}

export interface NewSigningKey {
  apiId: string;
  kid: string;
  alg: string;
  publicJwk?: Record<string, unknown>;
  /** Private JWK as JSON, or the HMAC secret; sealed before it is written. */
  privateMaterial: string;
}

interface Row {
  api_id: string;
  kid: string;
  alg: string;
  public_jwk: string | null;
  private_material: string;
  created_at: number;
}

const toRecord = (row: Row): SigningKeyRecord => ({
  apiId: row.api_id,
  kid: row.kid,
  alg: row.alg,
  ...(row.public_jwk !== null ? { publicJwk: fromJson<Record<string, unknown>>(row.public_jwk, {}) } : {}),
  createdAt: row.created_at,
});

/** Names the stored secret in "cannot be decrypted" messages. */
export function signingKeyField(kid: string): string {
  return `signing key ${kid}`;
}

export class SigningKeyRepository {
  private readonly listStatement;
  private readonly getStatement;
  private readonly insertStatement;
  private readonly deleteStatement;

  constructor(
    db: SqliteDatabase,
    private readonly secrets: SecretBox,
  ) {
    // Newest first: the default key for minting is the latest one.
    this.listStatement = db.prepare<[string], Row>(`SELECT * FROM signing_keys WHERE api_id = ? ORDER BY created_at DESC, rowid DESC`);
    this.getStatement = db.prepare<[string, string], Row>(`SELECT * FROM signing_keys WHERE api_id = ? AND kid = ?`);
    this.insertStatement = db.prepare(
      `INSERT INTO signing_keys (api_id, kid, alg, public_jwk, private_material, created_at) VALUES (@api_id, @kid, @alg, @public_jwk, @private_material, @created_at)`,
    );
    this.deleteStatement = db.prepare<[string, string]>(`DELETE FROM signing_keys WHERE api_id = ? AND kid = ?`);
  }

  listByApi(apiId: string): SigningKeyRecord[] {
    return this.listStatement.all(apiId).map(toRecord);
  }

  get(apiId: string, kid: string): SigningKeyRecord | undefined {
    const row = this.getStatement.get(apiId, kid);
    return row ? toRecord(row) : undefined;
  }

  insert(key: NewSigningKey): SigningKeyRecord {
    const row: Row = {
      api_id: key.apiId,
      kid: key.kid,
      alg: key.alg,
      public_jwk: key.publicJwk ? JSON.stringify(key.publicJwk) : null,
      private_material: this.secrets.seal(key.privateMaterial),
      created_at: nowMs(),
    };
    this.insertStatement.run(row);
    return toRecord(row);
  }

  /** The private JWK (JSON) or HMAC secret, decrypted; throws SecretUnreadableError naming the key. */
  privateMaterial(apiId: string, kid: string): string | undefined {
    const row = this.getStatement.get(apiId, kid);
    return row ? this.secrets.open(row.private_material, signingKeyField(kid)) : undefined;
  }

  remove(apiId: string, kid: string): boolean {
    return this.deleteStatement.run(apiId, kid).changes > 0;
  }
}
