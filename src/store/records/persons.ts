/**
 * Contacts become persons linked to their account through `account_dynamics_id` (parentcustomerid).
 * The link is a plain column, not a foreign key: a contact that arrives before its account links
 * as soon as the account does, and a contact moved to another account relinks by one update.
 *
 * New persons log a New Lead activity; a changed field logs a Change Data Value on that person.
 */
import { ActivityType, PERSON_TYPES, type PersonEntity } from '../../domain/index.js';
import { changedFields, insertChanges } from './change-sql.js';
import type { SqlClient } from '../db/types.js';
import { applyStaged, lastById, type ApplyContext, type PageStats } from './staging.js';

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
const logChanges = (
  e: PersonEntity,
) => `${insertChanges(`'reason', '${PERSON_TYPES[e]} updated in Dynamics', 'entity', '${e}'`)}
FROM stage_persons s
CROSS JOIN LATERAL (
  SELECT pp.id, pp.fields, pp.account_dynamics_id FROM persons pp WHERE pp.dynamics_id = s.dynamics_id LIMIT 1
) p
CROSS JOIN LATERAL (${changedFields('p.fields', 's.fields')}
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
SELECT (SELECT count(*) FROM welcomed)::int AS activities`;

export function applyPersons(
  tx: SqlClient,
  records: readonly PersonRecord[],
  ctx: ApplyContext,
  entity: PersonEntity = 'contact',
): Promise<PageStats> {
  const rows = lastById(records).map(
    (r) => [r.id, r.accountId, r.ownerId, r.email, r.fields, r.createdOn, r.modifiedOn] as const,
  );
  return applyStaged(
    tx,
    'persons',
    rows,
    { count: COUNT, logChanges: logChanges(entity), upsert: upsertAndWelcome(entity), upsertLogs: true },
    ctx,
  );
}
