/**
 * Rows that belong to an API but are not in the YAML (signing keys, saved requests, the OpenAPI
 * document, mock settings, recordings and their exchanges). An import replaces every resource
 * (Store.clearResources) and puts back the APIs it keeps, with their ids; those rows must survive
 * that, while deleting an API still deletes them (ON DELETE CASCADE). So before the clear they
 * are set aside in temp tables, and one temp trigger puts an API's back when a row with its id is
 * inserted again. Temp objects belong to this connection and roll back with the transaction;
 * sealed values stay sealed.
 */
import type { SqliteDatabase } from './database';

interface ApiOwnedTable {
  table: string;
  /** Owned through a parent row (itself owned by `api_id`) rather than an `api_id` column. */
  via?: { column: string; parent: string };
}

/** In restore order: a parent before the rows that point at it. */
const API_OWNED_TABLES: readonly ApiOwnedTable[] = [
  { table: 'signing_keys' },
  { table: 'saved_requests' },
  { table: 'api_openapi_documents' },
  { table: 'recordings' },
  { table: 'recording_exchanges', via: { column: 'recording_id', parent: 'recordings' } },
  { table: 'api_mocks' },
];

const ofNewApi = ({ via }: ApiOwnedTable) => (via ? `${via.column} IN (SELECT id FROM temp.kept_${via.parent} WHERE api_id = NEW.id)` : 'api_id = NEW.id');

const SET_ASIDE = [
  ...API_OWNED_TABLES.flatMap(({ table }) => [
    `CREATE TEMP TABLE IF NOT EXISTS kept_${table} AS SELECT * FROM main.${table} WHERE 0;`,
    `DELETE FROM temp.kept_${table};`,
    `INSERT INTO temp.kept_${table} SELECT * FROM main.${table};`,
  ]),
  'CREATE TEMP TRIGGER IF NOT EXISTS restore_api_owned_rows AFTER INSERT ON main.apis BEGIN',
  ...API_OWNED_TABLES.map((owned) => `INSERT OR IGNORE INTO main.${owned.table} SELECT * FROM temp.kept_${owned.table} WHERE ${ofNewApi(owned)};`),
  // Children first: their condition reads the parent's kept rows.
  ...[...API_OWNED_TABLES].reverse().map((owned) => `DELETE FROM temp.kept_${owned.table} WHERE ${ofNewApi(owned)};`),
  'END;',
].join('\n');

/** Before Store.clearResources deletes them: see the top of this file. */
export function setApiOwnedRowsAsideForRefill(db: SqliteDatabase): void {
  db.exec(SET_ASIDE);
}
