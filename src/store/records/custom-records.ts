/**
 * Records of enabled custom tables, one way (Dynamics wins), in the generic `custom_records` table.
 * A page is COPY'd into a temp stage, counted and upserted in a few statements, as the other
 * appliers do. Each record keeps the Dynamics ids of its lead/contact and account; a level-2 record
 * takes them from its intermediate record, and a change of an intermediate record's links reaches
 * the records under it in the same transaction.
 */
import { linkApplies, type CustomTableLink } from '../../domain/index.js';
import type { SqlClient } from '../db/types.js';
import { emptyStats, lastById, type ApplyContext, type PageStats } from './staging.js';

export interface CustomRecord {
  readonly id: string;
  readonly fields: Record<string, unknown>;
  readonly createdOn: string | null;
  readonly modifiedOn: string | null;
  /** Which table each link lookup points at in this row (lookuplogicalname), by column. */
  readonly lookupTables?: Readonly<Record<string, string>>;
}

/** How one table's records find their person and company. */
export interface CustomLinkPlan {
  readonly table: string;
  /** Links (lookups) to a lead or contact, in order of preference; a polymorphic one per row. */
  readonly personLinks: readonly CustomTableLink[];
  readonly accountLinks: readonly CustomTableLink[];
  /** Level 2: the lookup to the intermediate table's record (`target`: that table). */
  readonly via: CustomTableLink | null;
  /** Enabled tables whose records hang under this table's records (their links follow ours). */
  readonly children: readonly string[];
}

const STAGE = `CREATE TEMP TABLE IF NOT EXISTS stage_custom_records (
  dynamics_id uuid NOT NULL, fields jsonb NOT NULL, person_dynamics_id uuid, account_dynamics_id uuid,
  parent_dynamics_id uuid, created_on timestamptz, modified_on timestamptz
) ON COMMIT DELETE ROWS`;
const STAGE_COLUMNS = [
  'dynamics_id',
  'fields',
  'person_dynamics_id',
  'account_dynamics_id',
  'parent_dynamics_id',
  'created_on',
  'modified_on',
];

// $1 table. LATERAL ... LIMIT 1: one primary-key probe per staged row (the planner has no
// statistics for a temp table and would otherwise hash the whole table, as companies.ts says).
const COUNT = `
SELECT count(*) FILTER (WHERE c.dynamics_id IS NULL)::int AS inserted,
       count(*) FILTER (WHERE c.dynamics_id IS NOT NULL AND ((c.fields || s.fields) IS DISTINCT FROM c.fields
         OR c.dynamics_deleted OR c.parent_dynamics_id IS DISTINCT FROM s.parent_dynamics_id))::int AS updated,
       count(*)::int AS total
FROM stage_custom_records s LEFT JOIN LATERAL (
  SELECT cc.dynamics_id, cc.fields, cc.dynamics_deleted, cc.parent_dynamics_id FROM custom_records cc
  WHERE cc.table_name = $1 AND cc.dynamics_id = s.dynamics_id LIMIT 1
) c ON true`;

// $1 table, $2 generation, $3 now, $4 the intermediate table (null for level 1). Merge, not
// replace: a deselected column keeps its last value, as on companies and persons.
const UPSERT = `
INSERT INTO custom_records (table_name, dynamics_id, fields, person_dynamics_id, account_dynamics_id,
  parent_dynamics_id, dynamics_created_on, dynamics_modified_on, seen_generation, created_at, updated_at)
SELECT $1, s.dynamics_id, s.fields, coalesce(s.person_dynamics_id, p.person_dynamics_id),
  coalesce(s.account_dynamics_id, p.account_dynamics_id), s.parent_dynamics_id, s.created_on, s.modified_on, $2, $3, $3
FROM stage_custom_records s LEFT JOIN LATERAL (
  SELECT pp.person_dynamics_id, pp.account_dynamics_id FROM custom_records pp
  WHERE pp.table_name = $4 AND pp.dynamics_id = s.parent_dynamics_id LIMIT 1
) p ON true
ON CONFLICT (table_name, dynamics_id) DO UPDATE SET
  fields = custom_records.fields || EXCLUDED.fields,
  person_dynamics_id = EXCLUDED.person_dynamics_id,
  account_dynamics_id = EXCLUDED.account_dynamics_id,
  parent_dynamics_id = EXCLUDED.parent_dynamics_id,
  dynamics_created_on = EXCLUDED.dynamics_created_on,
  dynamics_modified_on = EXCLUDED.dynamics_modified_on,
  dynamics_deleted = false,
  seen_generation = EXCLUDED.seen_generation,
  updated_at = CASE WHEN custom_records.fields || EXCLUDED.fields IS DISTINCT FROM custom_records.fields
                    THEN EXCLUDED.updated_at ELSE custom_records.updated_at END`;

// $1 children tables, $2 this table, $3 now: records under the staged ones follow their links.
const RELINK_CHILDREN = `
UPDATE custom_records c SET person_dynamics_id = p.person_dynamics_id, account_dynamics_id = p.account_dynamics_id, updated_at = $3
FROM custom_records p
WHERE c.table_name = ANY($1::text[]) AND p.table_name = $2 AND c.parent_dynamics_id = p.dynamics_id
  AND p.dynamics_id IN (SELECT dynamics_id FROM stage_custom_records)
  AND (c.person_dynamics_id IS DISTINCT FROM p.person_dynamics_id OR c.account_dynamics_id IS DISTINCT FROM p.account_dynamics_id)`;

/** The first link whose lookup holds an id pointing at the link's table in this record. */
const firstId = (r: CustomRecord, links: readonly CustomTableLink[]): string | null => {
  for (const l of links) {
    const v = r.fields[l.column];
    if (typeof v === 'string' && linkApplies(l, r.lookupTables?.[l.column])) return v;
  }
  return null;
};

export async function applyCustomRecords(
  tx: SqlClient,
  plan: CustomLinkPlan,
  input: readonly CustomRecord[],
  ctx: ApplyContext,
): Promise<PageStats> {
  const stats = emptyStats();
  const records = lastById(input);
  if (records.length === 0) return stats;
  await tx.query(STAGE);
  await tx.query('DELETE FROM stage_custom_records');
  await tx.copyRows(
    'stage_custom_records',
    STAGE_COLUMNS,
    records.map((r) => [
      r.id,
      r.fields,
      firstId(r, plan.personLinks),
      firstId(r, plan.accountLinks),
      plan.via ? firstId(r, [plan.via]) : null,
      r.createdOn,
      r.modifiedOn,
    ]),
  );
  const c = (await tx.query<{ inserted: number; updated: number; total: number }>(COUNT, [plan.table])).rows[0]!;
  await tx.query(UPSERT, [plan.table, ctx.generation, ctx.now, plan.via?.target ?? null]);
  if (plan.children.length > 0) await tx.query(RELINK_CHILDREN, [plan.children, plan.table, ctx.now]);
  stats.inserted = c.inserted;
  stats.updated = c.updated;
  stats.unchanged = c.total - c.inserted - c.updated;
  return stats;
}

/** `$deletedEntity` rows of a delta read: flagged, kept (as every synced table's deletes). */
export async function markCustomDeleted(
  tx: SqlClient,
  table: string,
  ids: readonly string[],
  now: Date,
): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await tx.query(
    `UPDATE custom_records SET dynamics_deleted = true, updated_at = $3
     WHERE table_name = $1 AND dynamics_id = ANY($2::uuid[]) AND NOT dynamics_deleted`,
    [table, ids, now],
  );
  return res.rowCount;
}

/** After a full read: records it did not see were deleted in Dynamics. */
export async function markCustomUnseen(tx: SqlClient, table: string, generation: number, now: Date): Promise<number> {
  const res = await tx.query(
    `UPDATE custom_records SET dynamics_deleted = true, updated_at = $3
     WHERE table_name = $1 AND seen_generation < $2 AND NOT dynamics_deleted`,
    [table, generation, now],
  );
  return res.rowCount;
}
