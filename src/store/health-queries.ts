/**
 * What the health line needs from the lead database besides the per-table status: whether any
 * cycle ever ran, and when the last one that synced something ended (success or partial). Both walk
 * the primary key backwards and stop at the first match, so a long history costs nothing.
 */
import type { SqlClient } from './db/types.js';

export interface CycleHistory {
  readonly anyCycle: boolean;
  readonly lastSuccessAt: Date | null;
  /** Records with an open sync error (the partial index sync_errors_open holds exactly these). */
  readonly openRecordErrors: number;
}

export async function cycleHistory(c: SqlClient): Promise<CycleHistory> {
  const r = await c.query<{ any_cycle: boolean; last_success: Date | string | null; open_errors: number }>(
    `SELECT EXISTS (SELECT 1 FROM sync_runs) AS any_cycle,
            (SELECT coalesce(ended_at, started_at) FROM sync_runs WHERE status IN ('success', 'partial')
             ORDER BY id DESC LIMIT 1) AS last_success,
            (SELECT count(*)::int FROM sync_errors WHERE resolved_at IS NULL AND record_id IS NOT NULL) AS open_errors`,
  );
  const row = r.rows[0];
  return {
    anyCycle: row?.any_cycle ?? false,
    lastSuccessAt: row?.last_success ? new Date(row.last_success) : null,
    openRecordErrors: row?.open_errors ?? 0,
  };
}
