/** Records stored per synced table, for `status` and the sync status page. */
import type { SqlClient } from '../db/types.js';

/** Records stored per table, how many are deleted in Dynamics, and persons the sync filter stopped. */
export async function storedPerTable(
  c: SqlClient,
): Promise<Record<string, { stored: number; deleted: number; stopped: number }>> {
  const res = await c.query<{ t: string; stored: number; deleted: number; stopped: number }>(
    `SELECT 'systemuser' AS t, count(*)::int AS stored, count(*) FILTER (WHERE dynamics_deleted)::int AS deleted, 0 AS stopped FROM sales_persons
     UNION ALL SELECT 'account', count(*)::int, count(*) FILTER (WHERE dynamics_deleted)::int, 0 FROM companies
     UNION ALL SELECT 'contact', count(*)::int, count(*) FILTER (WHERE dynamics_deleted)::int, count(*) FILTER (WHERE sync_stopped)::int
       FROM persons WHERE dynamics_type = 'Contact'
     UNION ALL SELECT 'lead', count(*)::int, count(*) FILTER (WHERE dynamics_deleted)::int, count(*) FILTER (WHERE sync_stopped)::int
       FROM persons WHERE dynamics_type = 'Lead'
     UNION ALL SELECT 'opportunity', count(*)::int, count(*) FILTER (WHERE dynamics_deleted)::int, 0 FROM opportunities
     UNION ALL SELECT 'connection', count(*)::int, count(*) FILTER (WHERE dynamics_deleted)::int, 0 FROM opportunity_connections`,
  );
  return Object.fromEntries(
    res.rows.map((r) => [r.t, { stored: r.stored, deleted: r.deleted, stopped: Number(r.stopped) }]),
  );
}
