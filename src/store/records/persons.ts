/**
 * Contacts become persons linked to their account through `account_dynamics_id` (parentcustomerid).
 * The link is a plain column, not a foreign key: a contact that arrives before its account links
 * as soon as the account does, and a contact moved to another account relinks by one update.
 *
 * New persons log a New Lead activity; a changed field logs a Change Data Value on that person.
 */
import { ActivityType, PERSON_TYPES, type PersonEntity } from '../../domain/index.js';
import type { SqlClient } from '../db/types.js';
import { emptyStats, lastById, stage, type ApplyContext, type PageStats } from './staging.js';

export interface PersonRecord {
  readonly id: string;
  readonly accountId: string | null;
  readonly ownerId: string | null;
  readonly email: string | null;
  readonly fields: Record<string, unknown>;
  readonly createdOn: string | null;
  readonly modifiedOn: string | null;
}

// Staged rows find their person through a LATERAL ... LIMIT 1 (one unique-index probe each): the
// planner has no statistics for a temp table and, with a plain join, hashed the whole persons table
// on every page, which made an initial sync quadratic (a 5,000-row page scanned 1,000,000 persons).

// Field changes, plus a move to another account as the `accountId` pseudo-field.
const logChanges = (e: PersonEntity) => `
INSERT INTO activities (person_id, type_id, occurred_at, primary_attribute_value, attributes, run_id)
SELECT p.id, ${ActivityType.ChangeDataValue}, $1, ch.key,
       jsonb_build_object('field', ch.key, 'oldValue', ch.old_value, 'newValue', ch.new_value,
                          'reason', '${PERSON_TYPES[e]} updated in Dynamics', 'source', 'dynamics', 'entity', '${e}'),
       $2
FROM stage_persons s
CROSS JOIN LATERAL (
  SELECT pp.id, pp.fields, pp.account_dynamics_id FROM persons pp WHERE pp.dynamics_id = s.dynamics_id LIMIT 1
) p
CROSS JOIN LATERAL (
  SELECT n.key, p.fields -> n.key AS old_value, n.value AS new_value
  FROM jsonb_each(s.fields) n
  WHERE p.fields ? n.key AND (p.fields -> n.key) IS DISTINCT FROM n.value
  UNION ALL
  SELECT 'accountId', to_jsonb(p.account_dynamics_id), to_jsonb(s.account_dynamics_id)
  WHERE p.account_dynamics_id IS DISTINCT FROM s.account_dynamics_id
) ch`;

const COUNT = `
SELECT count(*) FILTER (WHERE p.id IS NULL)::int AS inserted,
       count(*) FILTER (WHERE p.id IS NOT NULL AND (
         (p.fields || s.fields) IS DISTINCT FROM p.fields
         OR p.account_dynamics_id IS DISTINCT FROM s.account_dynamics_id
         OR p.owner_dynamics_id IS DISTINCT FROM s.owner_dynamics_id
         OR p.dynamics_deleted))::int AS updated,
       count(*)::int AS total
FROM stage_persons s LEFT JOIN LATERAL (
  SELECT pp.id, pp.fields, pp.account_dynamics_id, pp.owner_dynamics_id, pp.dynamics_deleted
  FROM persons pp WHERE pp.dynamics_id = s.dynamics_id LIMIT 1
) p ON true`;

const upsertAndWelcome = (e: PersonEntity) => `
WITH up AS (
  INSERT INTO persons (dynamics_id, dynamics_type, account_dynamics_id, owner_dynamics_id, email, fields,
                       dynamics_created_on, dynamics_modified_on, seen_generation, created_at, updated_at)
  SELECT dynamics_id, '${PERSON_TYPES[e]}', account_dynamics_id, owner_dynamics_id, email, fields,
         created_on, modified_on, $1, $2, $2
  FROM stage_persons
  ON CONFLICT (dynamics_id) DO UPDATE SET
    account_dynamics_id = EXCLUDED.account_dynamics_id,
    owner_dynamics_id = EXCLUDED.owner_dynamics_id,
    email = CASE WHEN EXCLUDED.fields ? 'email' THEN EXCLUDED.email ELSE persons.email END,
    fields = persons.fields || EXCLUDED.fields,
    dynamics_modified_on = EXCLUDED.dynamics_modified_on,
    dynamics_deleted = false,
    seen_generation = EXCLUDED.seen_generation,
    updated_at = CASE WHEN persons.fields || EXCLUDED.fields IS DISTINCT FROM persons.fields
                        OR persons.account_dynamics_id IS DISTINCT FROM EXCLUDED.account_dynamics_id
                      THEN EXCLUDED.updated_at ELSE persons.updated_at END
  RETURNING id, (xmax = 0) AS inserted
), welcomed AS (
  INSERT INTO activities (person_id, type_id, occurred_at, primary_attribute_value, attributes, run_id)
  SELECT id, ${ActivityType.NewLead}, $2, 'Dynamics ${e}',
         jsonb_build_object('sourceType', 'Dynamics ${e}', 'source', 'dynamics'), $3
  FROM up WHERE inserted
  RETURNING 1
)
SELECT (SELECT count(*) FROM welcomed)::int AS welcomed`;

export async function applyPersons(
  tx: SqlClient,
  records: readonly PersonRecord[],
  ctx: ApplyContext,
  entity: PersonEntity = 'contact',
): Promise<PageStats> {
  const stats = emptyStats();
  const rows = lastById(records).map(
    (r) => [r.id, r.accountId, r.ownerId, r.email, r.fields, r.createdOn, r.modifiedOn] as const,
  );
  if (rows.length === 0) return stats;
  await stage(tx, 'persons', rows);
  const c = (await tx.query<{ inserted: number; updated: number; total: number }>(COUNT)).rows[0]!;
  // A logged change is always an update COUNT saw; with none (an initial read) skip the join.
  const logged = c.updated > 0 ? await tx.query(logChanges(entity), [ctx.now, ctx.runId]) : { rowCount: 0 };
  const welcomed = await tx.query<{ welcomed: number }>(upsertAndWelcome(entity), [ctx.generation, ctx.now, ctx.runId]);
  stats.inserted = c.inserted;
  stats.updated = c.updated;
  stats.unchanged = c.total - c.inserted - c.updated;
  stats.activities = logged.rowCount + welcomed.rows[0]!.welcomed;
  return stats;
}

/** A contact (or lead) deleted in Dynamics keeps its person, flagged `dynamics_deleted`. */
export async function markPersonsDeleted(tx: SqlClient, ids: readonly string[], now: Date, entity: PersonEntity = 'contact'): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await tx.query(
    `UPDATE persons SET dynamics_deleted = true, updated_at = $2
     WHERE dynamics_id = ANY($1::uuid[]) AND dynamics_type = $3 AND NOT dynamics_deleted`,
    [ids, now, PERSON_TYPES[entity]],
  );
  return res.rowCount;
}

export async function markUnseenPersonsDeleted(tx: SqlClient, generation: number, now: Date, entity: PersonEntity = 'contact'): Promise<number> {
  const res = await tx.query(
    `UPDATE persons SET dynamics_deleted = true, updated_at = $2
     WHERE dynamics_type = $3 AND seen_generation < $1 AND NOT dynamics_deleted`,
    [generation, now, PERSON_TYPES[entity]],
  );
  return res.rowCount;
}
