/**
 * Admin sessions in the lead database, so a restart keeps them and every `serve` process on one
 * PostgreSQL database shares them. Rows are keyed by a hash of the session id (a leaked table
 * signs nobody in); times come from the caller's clock, so expiry is the server's decision.
 */
import { inTransaction } from './db/tx.js';
import type { SqlClient } from './db/types.js';
import { setSetting } from './settings-repo.js';

export interface SessionRow {
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** Stores a new session, first dropping ended ones, then the oldest beyond `maxSessions`. */
export async function insertAdminSession(
  c: SqlClient,
  s: { idHash: string; now: Date; expiresAt: Date; idleSince: Date; maxSessions: number },
): Promise<void> {
  await inTransaction(c, async (tx) => {
    await tx.query('DELETE FROM admin_sessions WHERE expires_at <= $1 OR last_seen_at <= $2', [s.now, s.idleSince]);
    await tx.query(
      'INSERT INTO admin_sessions (id_hash, created_at, last_seen_at, expires_at) VALUES ($1, $2, $2, $3)',
      [s.idHash, s.now, s.expiresAt],
    );
    await tx.query(
      'DELETE FROM admin_sessions WHERE id_hash IN (SELECT id_hash FROM admin_sessions ORDER BY created_at DESC, id_hash OFFSET $1)',
      [s.maxSessions],
    );
  });
}

/** The live session with this id hash, its idle clock restarted; null when absent or ended. */
export async function touchAdminSession(
  c: SqlClient,
  idHash: string,
  now: Date,
  idleSince: Date,
): Promise<SessionRow | null> {
  const r = await c.query<{ created_at: Date; expires_at: Date }>(
    `UPDATE admin_sessions SET last_seen_at = $2 WHERE id_hash = $1 AND expires_at > $2 AND last_seen_at > $3
     RETURNING created_at, expires_at`,
    [idHash, now, idleSince],
  );
  const row = r.rows[0];
  return row ? { createdAt: new Date(row.created_at), expiresAt: new Date(row.expires_at) } : null;
}

export async function deleteAdminSession(c: SqlClient, idHash: string): Promise<void> {
  await c.query('DELETE FROM admin_sessions WHERE id_hash = $1', [idHash]);
}

/** Replaces a setting (the admin password) and signs every session out, in one transaction. */
export async function setSettingRevokingSessions(c: SqlClient, key: string, value: unknown): Promise<void> {
  await inTransaction(c, async (tx) => {
    await setSetting(tx, key, value);
    await tx.query('DELETE FROM admin_sessions');
  });
}
