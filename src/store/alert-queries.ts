/** What the alerter reads and keeps: records that failed in a window (for the digest) and its own state. */
import type { SqlClient } from './db/types.js';
import { getSetting, setSetting } from './settings-repo.js';

export interface FailedRecord {
  readonly entity: string;
  readonly recordId: string | null;
  readonly direction: string;
  readonly operation: string;
  readonly code: string;
  readonly message: string;
  readonly lastAt: Date;
}

/** Record errors seen in [since, until), newest first, at most `limit`; plus how many there were. */
export async function failedRecordsBetween(
  c: SqlClient,
  since: Date,
  until: Date,
  limit = 50,
): Promise<{ total: number; records: FailedRecord[] }> {
  const where = `WHERE record_id IS NOT NULL AND last_seen_at >= $1 AND last_seen_at < $2`;
  const [rows, count] = await Promise.all([
    c.query<{
      entity: string;
      record_id: string | null;
      direction: string;
      operation: string;
      code: string;
      message: string;
      last_seen_at: Date;
    }>(
      `SELECT entity, record_id, direction, operation, code, message, last_seen_at FROM sync_errors ${where}
       ORDER BY last_seen_at DESC LIMIT $3`,
      [since, until, limit],
    ),
    c.query<{ n: number }>(`SELECT count(*)::int AS n FROM sync_errors ${where}`, [since, until]),
  ]);
  return {
    total: count.rows[0]?.n ?? 0,
    records: rows.rows.map((r) => ({
      entity: r.entity,
      recordId: r.record_id,
      direction: r.direction,
      operation: r.operation,
      code: r.code,
      message: r.message,
      lastAt: new Date(r.last_seen_at),
    })),
  };
}

export interface AlertState {
  /** The incident alerted (cause and since when), or null while the sync works. */
  readonly incident: { readonly cause: string; readonly since: string; readonly alertedAt: string } | null;
  /** End of the window of the last digest sent. */
  readonly lastDigestUntil: string | null;
}

const KEY = 'alert_state';

export async function loadAlertState(c: SqlClient): Promise<AlertState> {
  return (await getSetting<AlertState>(c, KEY)) ?? { incident: null, lastDigestUntil: null };
}

export const saveAlertState = (c: SqlClient, s: AlertState): Promise<void> => setSetting(c, KEY, s);
