/**
 * Applications: the callers of client-id enforced APIs. The secret is stored only as a salted
 * hash; the plain secret exists once, in the return value of `create` / `regenerateSecret`.
 */
import { randomBytes } from 'node:crypto';
import { hashSecret } from '../policies/secret-hash';
import type { SqliteDatabase } from './database';
import { definedOnly, newId, nowMs } from './rows';

export interface ApplicationRecord {
  id: string;
  name: string;
  description?: string;
  clientId: string;
  /** `scrypt$salt$hash`; never sent to clients except in an export. */
  secretHash: string;
  createdAt: number;
  updatedAt: number;
}

export type NewApplication = Pick<ApplicationRecord, 'name' | 'clientId' | 'secretHash'> &
  Partial<Pick<ApplicationRecord, 'id' | 'description' | 'createdAt'>>;
export type ApplicationPatch = Partial<Pick<ApplicationRecord, 'name' | 'description'>>;

export interface CreatedApplication {
  application: ApplicationRecord;
  /** Shown once; only its hash is stored. */
  clientSecret: string;
}

interface Row {
  id: string;
  name: string;
  description: string | null;
  client_id: string;
  secret_hash: string;
  created_at: number;
  updated_at: number;
}

const toRecord = (row: Row): ApplicationRecord => ({
  id: row.id,
  name: row.name,
  ...(row.description !== null ? { description: row.description } : {}),
  clientId: row.client_id,
  secretHash: row.secret_hash,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export function generateClientId(): string {
  return randomBytes(16).toString('hex');
}

export function generateClientSecret(): string {
  return randomBytes(24).toString('base64url');
}

export class ApplicationRepository {
  private readonly listStatement;
  private readonly getStatement;
  private readonly byNameStatement;
  private readonly byClientIdStatement;
  private readonly insertStatement;
  private readonly updateStatement;
  private readonly secretStatement;
  private readonly deleteStatement;

  constructor(db: SqliteDatabase) {
    this.listStatement = db.prepare<[], Row>(`SELECT * FROM applications ORDER BY name, id`);
    this.getStatement = db.prepare<[string], Row>(`SELECT * FROM applications WHERE id = ?`);
    this.byNameStatement = db.prepare<[string], Row>(`SELECT * FROM applications WHERE name = ?`);
    this.byClientIdStatement = db.prepare<[string], Row>(`SELECT * FROM applications WHERE client_id = ?`);
    this.insertStatement = db.prepare(
      `INSERT INTO applications (id, name, description, client_id, secret_hash, created_at, updated_at)
       VALUES (@id, @name, @description, @client_id, @secret_hash, @created_at, @updated_at)`,
    );
    this.updateStatement = db.prepare(
      `UPDATE applications SET name = @name, description = @description, updated_at = @updated_at WHERE id = @id`,
    );
    this.secretStatement = db.prepare(`UPDATE applications SET secret_hash = @secret_hash, updated_at = @updated_at WHERE id = @id`);
    this.deleteStatement = db.prepare<[string]>(`DELETE FROM applications WHERE id = ?`);
  }

  list(): ApplicationRecord[] {
    return this.listStatement.all().map(toRecord);
  }

  get(id: string): ApplicationRecord | undefined {
    const row = this.getStatement.get(id);
    return row && toRecord(row);
  }

  findByName(name: string): ApplicationRecord | undefined {
    const row = this.byNameStatement.get(name);
    return row && toRecord(row);
  }

  findByClientId(clientId: string): ApplicationRecord | undefined {
    const row = this.byClientIdStatement.get(clientId);
    return row && toRecord(row);
  }

  /** Generates the client id (unless given) and the secret; stores only the secret's hash. */
  create(input: { name: string; description?: string; clientId?: string; clientSecret?: string }): CreatedApplication {
    const clientSecret = input.clientSecret ?? generateClientSecret();
    const application = this.insert({
      name: input.name,
      ...(input.description !== undefined ? { description: input.description } : {}),
      clientId: input.clientId ?? generateClientId(),
      secretHash: hashSecret(clientSecret),
    });
    return { application, clientSecret };
  }

  /** Inserts with an existing hash (import). */
  insert(input: NewApplication): ApplicationRecord {
    const at = input.createdAt ?? nowMs();
    const record: ApplicationRecord = {
      id: input.id ?? newId('app'),
      name: input.name,
      ...(input.description !== undefined ? { description: input.description } : {}),
      clientId: input.clientId,
      secretHash: input.secretHash,
      createdAt: at,
      updatedAt: at,
    };
    this.insertStatement.run({
      id: record.id,
      name: record.name,
      description: record.description ?? null,
      client_id: record.clientId,
      secret_hash: record.secretHash,
      created_at: record.createdAt,
      updated_at: record.updatedAt,
    });
    return record;
  }

  update(id: string, patch: ApplicationPatch): ApplicationRecord | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const next: ApplicationRecord = { ...current, ...definedOnly(patch), updatedAt: nowMs() };
    this.updateStatement.run({ id, name: next.name, description: next.description ?? null, updated_at: next.updatedAt });
    return next;
  }

  /** A new secret; the old one stops working with the next snapshot. */
  regenerateSecret(id: string): CreatedApplication | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const clientSecret = generateClientSecret();
    const application: ApplicationRecord = { ...current, secretHash: hashSecret(clientSecret), updatedAt: nowMs() };
    this.secretStatement.run({ id, secret_hash: application.secretHash, updated_at: application.updatedAt });
    return { application, clientSecret };
  }

  delete(id: string): boolean {
    return this.deleteStatement.run(id).changes > 0;
  }
}
