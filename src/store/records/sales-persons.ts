/** Dynamics users become sales persons; companies and persons point at them by owner id. */
import type { SqlClient } from '../db/types.js';
import { applyStaged, lastById, type ApplyContext, type PageStats } from './staging.js';

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

export function applySalesPersons(
  tx: SqlClient,
  records: readonly SalesPersonRecord[],
  ctx: ApplyContext,
): Promise<PageStats> {
  const rows = lastById(records).map((r) => [r.id, r.fields] as const);
  return applyStaged(tx, 'sales_persons', rows, { count: COUNT, upsert: UPSERT }, ctx);
}
