/**
 * Accounts become companies, one way. A company's fields are stored once; every person of the
 * account reads them through the account link, so one change reaches all of them at once.
 *
 * Each field a Dynamics update changes logs a Change Data Value on the account's persons, at most
 * CDV_FAN_OUT_CAP of them, lowest person id first (fanOutTo, change-sql.ts). The value applies to all.
 *
 * Local edits (local-edit.ts) last until the account's next Dynamics update, which overwrites all its
 * fields (the reference product's rule). A row read again at the version already stored (a new
 * field selection, an expired delta token) is not an update: it fills in values but keeps the
 * fields edited locally, and a value it does change is logged as re-read, not as a Dynamics update.
 */
import { changedFields, fanOutTo, insertChanges } from './change-sql.js';
import type { SqlClient } from '../db/types.js';
import { applyStaged, lastById, type ApplyContext, type PageStats } from './staging.js';

export interface CompanyRecord {
  readonly id: string;
  readonly ownerId: string | null;
  readonly fields: Record<string, unknown>;
  readonly modifiedOn: string | null;
  /** versionnumber; null when unknown (then the row counts as updated). */
  readonly version: number | null;
}

/** SQL: whether an incoming row at `version` is a Dynamics update of the stored company `c`. */
const UPDATED_IN_DYNAMICS = (c: string, version: string) =>
  `(${version} IS NULL OR ${c}.dynamics_version IS DISTINCT FROM ${version})`;
/** SQL: the fields an incoming row `s` writes: all on an update, else all but the locally edited ones. */
const INCOMING = (c: string, s: string, version = `${s}.version`) =>
  `(CASE WHEN ${UPDATED_IN_DYNAMICS(c, version)} THEN ${s}.fields ELSE ${s}.fields - ${c}.local_edits END)`;

// Staged rows find their company through a LATERAL ... LIMIT 1 (one unique-index probe each): with
// a plain join the planner, which has no statistics for a temp table, hashed all companies per page.

const LOG_CHANGES = `${insertChanges(`'entity', 'account', 'accountId', s.dynamics_id,
  'reason', CASE WHEN ${UPDATED_IN_DYNAMICS('c', 's.version')} THEN 'Account updated in Dynamics' ELSE 'Account re-read from Dynamics' END`)}
FROM stage_companies s
CROSS JOIN LATERAL (
  SELECT cc.fields, cc.dynamics_version, cc.local_edits FROM companies cc WHERE cc.dynamics_id = s.dynamics_id LIMIT 1
) c
CROSS JOIN LATERAL (${changedFields('c.fields', INCOMING('c', 's'))}) ch
CROSS JOIN LATERAL (${fanOutTo(
  `SELECT pp.id FROM persons pp WHERE pp.account_dynamics_id = s.dynamics_id AND NOT pp.dynamics_deleted`,
)}) p`;

const COUNT = `
SELECT count(*) FILTER (WHERE c.id IS NULL)::int AS inserted,
       count(*) FILTER (WHERE c.id IS NOT NULL AND (
         (c.fields || ${INCOMING('c', 's')}) IS DISTINCT FROM c.fields
         OR c.owner_dynamics_id IS DISTINCT FROM s.owner_dynamics_id
         OR c.dynamics_deleted))::int AS updated,
       count(*)::int AS total
FROM stage_companies s LEFT JOIN LATERAL (
  SELECT cc.id, cc.fields, cc.owner_dynamics_id, cc.dynamics_deleted, cc.dynamics_version, cc.local_edits
  FROM companies cc WHERE cc.dynamics_id = s.dynamics_id LIMIT 1
) c ON true`;

// Merge, not replace: fields deselected later keep their last value. A Dynamics update carries
// every synced field, so it overwrites local edits and forgets them.
const UPSERT = `
INSERT INTO companies (dynamics_id, owner_dynamics_id, fields, dynamics_modified_on, dynamics_version, seen_generation, created_at, updated_at)
SELECT dynamics_id, owner_dynamics_id, fields, modified_on, version, $1, $2, $2 FROM stage_companies
ON CONFLICT (dynamics_id) DO UPDATE SET
  owner_dynamics_id = EXCLUDED.owner_dynamics_id,
  fields = companies.fields || ${INCOMING('companies', 'EXCLUDED', 'EXCLUDED.dynamics_version')},
  local_edits = CASE WHEN ${UPDATED_IN_DYNAMICS('companies', 'EXCLUDED.dynamics_version')} THEN '{}' ELSE companies.local_edits END,
  dynamics_modified_on = EXCLUDED.dynamics_modified_on,
  dynamics_version = EXCLUDED.dynamics_version,
  dynamics_deleted = false,
  seen_generation = EXCLUDED.seen_generation,
  updated_at = CASE WHEN companies.fields || ${INCOMING('companies', 'EXCLUDED', 'EXCLUDED.dynamics_version')} IS DISTINCT FROM companies.fields
                    THEN EXCLUDED.updated_at ELSE companies.updated_at END`;

export function applyCompanies(
  tx: SqlClient,
  records: readonly CompanyRecord[],
  ctx: ApplyContext,
): Promise<PageStats> {
  const rows = lastById(records).map((r) => [r.id, r.ownerId, r.fields, r.modifiedOn, r.version] as const);
  return applyStaged(tx, 'companies', rows, { count: COUNT, logChanges: LOG_CHANGES, upsert: UPSERT }, ctx);
}
