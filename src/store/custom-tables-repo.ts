/**
 * The custom tables enabled for sync, and the one question enabling asks: is a cycle running?
 * Enabling or disabling happens between cycles only (reference 1.5 asks for global sync disabled),
 * so a cycle never sees a table appear or vanish half way.
 */
import type { CustomTableConfig, CustomTableLink, CustomTableName } from '../domain/index.js';
import { ADVISORY_LOCK } from './db/advisory-locks.js';
import type { Db, SqlClient } from './db/types.js';

interface Row {
  name: string;
  entity_set: string;
  primary_key: string;
  primary_name: string | null;
  display_name: string;
  links: CustomTableLink[];
  via_column: string | null;
  via_table: string | null;
  enabled_at: Date;
}

const toConfig = (r: Row): CustomTableConfig => ({
  name: r.name as CustomTableName,
  entitySet: r.entity_set,
  primaryKey: r.primary_key,
  primaryName: r.primary_name,
  displayName: r.display_name,
  links: r.links,
  via: r.via_column && r.via_table ? { column: r.via_column, target: r.via_table } : null,
  enabledAt: new Date(r.enabled_at),
});

/** Enabled tables, level 1 before level 2 (an intermediate table's records are stored first). */
export async function listEnabledCustomTables(c: SqlClient): Promise<CustomTableConfig[]> {
  const r = await c.query<Row>('SELECT * FROM custom_tables ORDER BY (via_table IS NOT NULL), name');
  return r.rows.map(toConfig);
}

export async function getEnabledCustomTable(c: SqlClient, name: string): Promise<CustomTableConfig | null> {
  const r = await c.query<Row>('SELECT * FROM custom_tables WHERE name = $1', [name]);
  return r.rows[0] ? toConfig(r.rows[0]) : null;
}

export async function insertCustomTable(tx: SqlClient, t: Omit<CustomTableConfig, 'enabledAt'>): Promise<void> {
  await tx.query(
    `INSERT INTO custom_tables (name, entity_set, primary_key, primary_name, display_name, links, via_column, via_table)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (name) DO UPDATE SET entity_set = EXCLUDED.entity_set, primary_key = EXCLUDED.primary_key,
       primary_name = EXCLUDED.primary_name, display_name = EXCLUDED.display_name, links = EXCLUDED.links,
       via_column = EXCLUDED.via_column, via_table = EXCLUDED.via_table`,
    [
      t.name,
      t.entitySet,
      t.primaryKey,
      t.primaryName,
      t.displayName,
      JSON.stringify(t.links),
      t.via?.column ?? null,
      t.via?.target ?? null,
    ],
  );
  // A table enabled again starts over with a full read of its own.
  await tx.query('DELETE FROM checkpoints WHERE stream = $1', [t.name]);
}

/** Disabling stops the table's sync; its records stay (history), its read starts over if enabled again. */
export async function deleteCustomTable(tx: SqlClient, name: string): Promise<boolean> {
  const r = await tx.query('DELETE FROM custom_tables WHERE name = $1', [name]);
  await tx.query('DELETE FROM checkpoints WHERE stream = $1', [name]);
  return r.rowCount > 0;
}

/** Enabled tables that read their links through `name` (level 2 under it). */
export async function customTablesVia(c: SqlClient, name: string): Promise<string[]> {
  const r = await c.query<{ name: string }>('SELECT name FROM custom_tables WHERE via_table = $1 ORDER BY name', [
    name,
  ]);
  return r.rows.map((x) => x.name);
}

/**
 * Whether a sync cycle is running now: a run row still 'running', from a live runner. A killed
 * runner's row stays 'running' until the next runner starts; on PostgreSQL the runner's advisory
 * lock tells a live runner from a dead one (the server drops the lock with its session).
 */
export async function cycleRunning(db: Db): Promise<boolean> {
  const r = await db.query<{ id: number }>(`SELECT id FROM sync_runs WHERE status = 'running' LIMIT 1`);
  if (r.rows.length === 0) return false;
  if (db.kind !== 'postgres') return true;
  const lock = await db.query<{ held: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
       AND classid = $1::bigint::oid AND objid = (hashtext($2)::bigint & 4294967295)::oid AND objsubid = 2) AS held`,
    [ADVISORY_LOCK.runner, db.schema ?? 'public'],
  );
  return lock.rows[0]?.held === true;
}
