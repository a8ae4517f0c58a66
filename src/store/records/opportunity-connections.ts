/**
 * Stakeholder connections: Dynamics keeps every connection twice (the link and its reciprocal), of
 * every kind; the one from an opportunity (record1) to a contact (record2) is a stakeholder. Any
 * other connection is not stored, and a stored one edited into another kind is flagged deleted, as
 * a deleted one is (the stakeholder role goes; the connection row stays, like every Dynamics delete).
 */
import type { SqlClient } from '../db/types.js';
import { applyStaged, emptyStats, lastById, type ApplyContext, type PageStats } from './staging.js';

export interface ConnectionRecord {
  readonly id: string;
  readonly fields: Record<string, unknown>;
}

const COUNT = `
SELECT count(*) FILTER (WHERE k.id IS NULL)::int AS inserted,
       count(*) FILTER (WHERE k.id IS NOT NULL AND (
         k.opportunity_dynamics_id <> s.opportunity_dynamics_id OR k.contact_dynamics_id <> s.contact_dynamics_id
         OR k.role_dynamics_id IS DISTINCT FROM s.role_dynamics_id OR k.dynamics_deleted))::int AS updated,
       count(*)::int AS total
FROM stage_opportunity_connections s
LEFT JOIN opportunity_connections k ON k.dynamics_id = s.dynamics_id`;

const UPSERT = `
INSERT INTO opportunity_connections (dynamics_id, opportunity_dynamics_id, contact_dynamics_id, role_dynamics_id,
  seen_generation, created_at, updated_at)
SELECT dynamics_id, opportunity_dynamics_id, contact_dynamics_id, role_dynamics_id, $1, $2, $2
FROM stage_opportunity_connections
ON CONFLICT (dynamics_id) DO UPDATE SET
  opportunity_dynamics_id = EXCLUDED.opportunity_dynamics_id,
  contact_dynamics_id = EXCLUDED.contact_dynamics_id,
  role_dynamics_id = EXCLUDED.role_dynamics_id,
  dynamics_deleted = false,
  seen_generation = EXCLUDED.seen_generation,
  updated_at = EXCLUDED.updated_at`;

// A connection whose ends were not read (columns dropped as unreadable) is left as it is.
const wasRead = (r: ConnectionRecord): boolean =>
  'record1objecttypecode' in r.fields && 'record2objecttypecode' in r.fields;

const isStakeholder = (r: ConnectionRecord): boolean =>
  r.fields.record1objecttypecode === 'opportunity' &&
  r.fields.record2objecttypecode === 'contact' &&
  typeof r.fields.record1id === 'string' &&
  typeof r.fields.record2id === 'string';

export async function applyConnections(
  tx: SqlClient,
  records: readonly ConnectionRecord[],
  ctx: ApplyContext,
): Promise<PageStats> {
  const latest = lastById(records).filter(wasRead);
  const others = latest.filter((r) => !isStakeholder(r)).map((r) => r.id);
  const stats = emptyStats();
  if (others.length > 0) {
    const res = await tx.query(
      `UPDATE opportunity_connections SET dynamics_deleted = true, updated_at = $2
       WHERE dynamics_id = ANY($1::uuid[]) AND NOT dynamics_deleted`,
      [others, ctx.now],
    );
    stats.deleted = res.rowCount;
  }
  const rows = latest
    .filter(isStakeholder)
    .map((r) => [r.id, r.fields.record1id, r.fields.record2id, r.fields.record2roleid ?? null] as const);
  const s = await applyStaged(tx, 'opportunity_connections', rows, { count: COUNT, upsert: UPSERT }, ctx);
  // Connections of other kinds are read but not kept: they count as unchanged.
  return { ...s, deleted: stats.deleted, unchanged: s.unchanged + (latest.length - rows.length - stats.deleted) };
}
