/** Dynamics users become sales persons; companies and persons point at them by owner id. */
import type { SqlClient } from '../db/types.js';
import { emptyStats, lastById, stage, type ApplyContext, type PageStats } from './staging.js';

export interface SalesPersonRecord {
  readonly id: string;
  readonly fields: Record<string, unknown>;
}

const COUNT = `
SELECT count(*) FILTER (WHERE sp.id IS NULL)::int AS inserted,
       count(*) FILTER (WHERE sp.id IS NOT NULL AND ((sp.fields || s.fields) IS DISTINCT FROM sp.fields OR sp.dynamics_deleted))::int AS updated,
       count(*)::int AS total
FROM stage_sales_persons s LEFT JOIN sales_persons sp ON sp.dynamics_id = s.dynamics_id`;

const UPSERT = `
INSERT INTO sales_persons (dynamics_id, fields, seen_generation, created_at, updated_at)
SELECT dynamics_id, fields, $1, $2, $2 FROM stage_sales_persons
ON CONFLICT (dynamics_id) DO UPDATE SET
  fields = sales_persons.fields || EXCLUDED.fields,
  dynamics_deleted = false,
  seen_generation = EXCLUDED.seen_generation,
  updated_at = EXCLUDED.updated_at`;

export async function applySalesPersons(
  tx: SqlClient,
  records: readonly SalesPersonRecord[],
  ctx: ApplyContext,
): Promise<PageStats> {
  const stats = emptyStats();
  const rows = lastById(records).map((r) => [r.id, r.fields] as const);
  if (rows.length === 0) return stats;
  await stage(tx, 'sales_persons', rows);
  const c = (await tx.query<{ inserted: number; updated: number; total: number }>(COUNT)).rows[0]!;
  await tx.query(UPSERT, [ctx.generation, ctx.now]);
  stats.inserted = c.inserted;
  stats.updated = c.updated;
  stats.unchanged = c.total - c.inserted - c.updated;
  return stats;
}

export async function markSalesPersonsDeleted(tx: SqlClient, ids: readonly string[], now: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await tx.query(
    `UPDATE sales_persons SET dynamics_deleted = true, updated_at = $2
     WHERE dynamics_id = ANY($1::uuid[]) AND NOT dynamics_deleted`,
    [ids, now],
  );
  return res.rowCount;
}

export async function markUnseenSalesPersonsDeleted(tx: SqlClient, generation: number, now: Date): Promise<number> {
  const res = await tx.query(
    `UPDATE sales_persons SET dynamics_deleted = true, updated_at = $2
     WHERE seen_generation < $1 AND NOT dynamics_deleted`,
    [generation, now],
  );
  return res.rowCount;
}
