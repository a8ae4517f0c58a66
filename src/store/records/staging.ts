/**
 * Pages are applied set-based: the page's mapped rows are COPY'd into a temp staging table, then a
 * few statements compare, log activities and upsert. Staging tables are per session and emptied at
 * commit, so a page's work is exactly its transaction.
 */
import type { SqlClient } from '../db/types.js';

export interface ApplyContext {
  readonly runId: number | null;
  /** The stream's full-read generation: rows a full read touches carry it. */
  readonly generation: number;
  readonly now: Date;
  /** The sync user's Dynamics id: person rows it last modified are dynasync's own writes (not synced back). */
  readonly syncUserId?: string;
}

export interface PageStats {
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  activities: number;
}

export const emptyStats = (): PageStats => ({ inserted: 0, updated: 0, unchanged: 0, deleted: 0, activities: 0 });

export type StagingKind = 'companies' | 'persons' | 'sales_persons' | 'opportunities' | 'opportunity_connections';

// No primary key: rows arrive de-duplicated (lastById), every join probes the real table's index,
// and maintaining an index on each page's staging rows cost about a sixth of the COPY.
const DDL: Record<StagingKind, string> = {
  companies: `CREATE TEMP TABLE IF NOT EXISTS stage_companies (
    dynamics_id uuid NOT NULL, owner_dynamics_id uuid, fields jsonb NOT NULL, modified_on timestamptz, version bigint
  ) ON COMMIT DELETE ROWS`,
  persons: `CREATE TEMP TABLE IF NOT EXISTS stage_persons (
    dynamics_id uuid NOT NULL, account_dynamics_id uuid, owner_dynamics_id uuid, email text,
    fields jsonb NOT NULL, created_on timestamptz, modified_on timestamptz
  ) ON COMMIT DELETE ROWS`,
  sales_persons: `CREATE TEMP TABLE IF NOT EXISTS stage_sales_persons (
    dynamics_id uuid NOT NULL, fields jsonb NOT NULL
  ) ON COMMIT DELETE ROWS`,
  opportunities: `CREATE TEMP TABLE IF NOT EXISTS stage_opportunities (
    dynamics_id uuid NOT NULL, customer_dynamics_id uuid, customer_type text, owner_dynamics_id uuid,
    fields jsonb NOT NULL, created_on timestamptz, modified_on timestamptz
  ) ON COMMIT DELETE ROWS`,
  opportunity_connections: `CREATE TEMP TABLE IF NOT EXISTS stage_opportunity_connections (
    dynamics_id uuid NOT NULL, opportunity_dynamics_id uuid NOT NULL, contact_dynamics_id uuid NOT NULL, role_dynamics_id uuid
  ) ON COMMIT DELETE ROWS`,
};

const COLUMNS: Record<StagingKind, readonly string[]> = {
  companies: ['dynamics_id', 'owner_dynamics_id', 'fields', 'modified_on', 'version'],
  persons: ['dynamics_id', 'account_dynamics_id', 'owner_dynamics_id', 'email', 'fields', 'created_on', 'modified_on'],
  sales_persons: ['dynamics_id', 'fields'],
  opportunities: [
    'dynamics_id',
    'customer_dynamics_id',
    'customer_type',
    'owner_dynamics_id',
    'fields',
    'created_on',
    'modified_on',
  ],
  opportunity_connections: ['dynamics_id', 'opportunity_dynamics_id', 'contact_dynamics_id', 'role_dynamics_id'],
};

/** Loads rows (already de-duplicated by id) into the kind's staging table, inside the caller's transaction. */
export async function stage(tx: SqlClient, kind: StagingKind, rows: readonly (readonly unknown[])[]): Promise<void> {
  await tx.query(DDL[kind]);
  await tx.query(`DELETE FROM stage_${kind}`);
  if (rows.length > 0) await tx.copyRows(`stage_${kind}`, COLUMNS[kind], rows);
}

/** The statements that apply one staged page to its table (companies.ts, persons.ts, sales-persons.ts). */
export interface ApplySql {
  /** `inserted`, `updated` and `total` of the staged rows against the table. */
  readonly count: string;
  /** Change Data Value activities of the updates ($1 now, $2 run id); absent for tables without persons. */
  readonly logChanges?: string;
  /** The upsert ($1 generation, $2 now, and $3 run id when it logs); may return the `activities` it logged. */
  readonly upsert: string;
  readonly upsertLogs?: boolean;
}

/** Stages the rows (de-duplicated by id), counts, logs changes and upserts: one page of one table. */
export async function applyStaged(
  tx: SqlClient,
  kind: StagingKind,
  rows: readonly (readonly unknown[])[],
  sql: ApplySql,
  ctx: ApplyContext,
): Promise<PageStats> {
  const stats = emptyStats();
  if (rows.length === 0) return stats;
  await stage(tx, kind, rows);
  const c = (await tx.query<{ inserted: number; updated: number; total: number }>(sql.count)).rows[0]!;
  // A logged change is always an update COUNT saw; with none (an initial read) skip the join.
  const logged = sql.logChanges && c.updated > 0 ? (await tx.query(sql.logChanges, [ctx.now, ctx.runId])).rowCount : 0;
  const params = sql.upsertLogs ? [ctx.generation, ctx.now, ctx.runId] : [ctx.generation, ctx.now];
  const upserted = await tx.query<{ activities?: number }>(sql.upsert, params);
  stats.inserted = c.inserted;
  stats.updated = c.updated;
  stats.unchanged = c.total - c.inserted - c.updated;
  stats.activities = logged + (upserted.rows[0]?.activities ?? 0);
  return stats;
}

/** Keeps the last occurrence of each id: a page may list a row twice, and ON CONFLICT cannot touch a row twice. */
export function lastById<T extends { id: string }>(records: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const r of records) byId.set(r.id, r);
  return [...byId.values()];
}
