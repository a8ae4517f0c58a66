/**
 * Planner statistics after a full read. An initial sync loads a whole table at once, and until the
 * next ANALYZE the planner believes the tables are (nearly) empty: a REST lookup by email right after
 * the initial sync hashed every company and scanned the whole primary key (17 ms instead of 0.05 ms).
 * PostgreSQL's autovacuum catches up within minutes; PGlite has no autovacuum at all.
 */
import { isCustomTableName } from '../../domain/index.js';
import type { SqlClient } from '../db/types.js';

const TABLES: Readonly<Record<string, readonly string[]>> = {
  systemuser: ['sales_persons'],
  account: ['companies', 'activities'],
  contact: ['persons', 'activities'],
  opportunity: ['opportunities'],
  connection: ['opportunity_connections'],
};

/** ANALYZE the tables a full read of `entity` filled (samples at most 30,000 rows each: fast). */
export async function refreshStatistics(c: SqlClient, entity: string): Promise<void> {
  const tables = TABLES[entity] ?? (isCustomTableName(entity) ? ['custom_records'] : []);
  for (const table of tables) await c.query(`ANALYZE ${table}`);
}
