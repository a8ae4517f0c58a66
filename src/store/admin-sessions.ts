/**
 * Admin sessions in the lead database, so a restart keeps them and every `serve` process on one
 * PostgreSQL database shares them. Rows are keyed by a hash of the session id (a leaked table
 * signs nobody in); times come from the caller's clock, so expiry is the server's decision.
 */
import { inTransaction } from './db/tx.js';
import type { SqlClient } from './db/types.js';

export interface SessionRow {
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** The named admin user signed in. */
  readonly user: { readonly id: number; readonly email: string; readonly role: 'admin' | 'viewer' };
}

/** Stores a new session, first dropping ended ones, then the oldest beyond `maxSessions`. */
export async function insertAdminSession(
  c: SqlClient,
  s: { idHash: string; userId: number; now: Date; expiresAt: Date; idleSince: Date; maxSessions: number },
): Promise<void> {
  await inTransaction(c, async (tx) => {
    await tx.query('DELETE FROM admin_sessions WHERE expires_at <= $1 OR last_seen_at <= $2', [s.now, s.idleSince]);
    await tx.query(
      'INSERT INTO admin_sessions (id_hash, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $4, $2, $2, $3)',
      [s.idHash, s.now, s.expiresAt, s.userId],
    );
    await tx.query(
      'DELETE FROM admin_sessions WHERE id_hash IN (SELECT id_hash FROM admin_sessions ORDER BY created_at DESC, id_hash OFFSET $1)',
      [s.maxSessions],
    );
  });
}

/** The live session with this id hash and its user, its idle clock restarted; null when absent, ended or userless. */
export async function touchAdminSession(
  c: SqlClient,
  idHash: string,
  now: Date,
  idleSince: Date,
): Promise<SessionRow | null> {
  const r = await c.query<{
    created_at: Date;
    expires_at: Date;
    user_id: number | string;
    email: string;
    role: 'admin' | 'viewer';
  }>(
    `UPDATE admin_sessions s SET last_seen_at = $2 FROM admin_users u
     WHERE s.id_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.id = s.user_id
     RETURNING s.created_at, s.expires_at, s.user_id, u.email, u.role`,
    [idHash, now, idleSince],
  );
  const row = r.rows[0];
  return row
    ? {
        createdAt: new Date(row.created_at),
        expiresAt: new Date(row.expires_at),
        user: { id: Number(row.user_id), email: row.email, role: row.role },
      }
    : null;
}

export async function deleteAdminSession(c: SqlClient, idHash: string): Promise<void> {
  await c.query('DELETE FROM admin_sessions WHERE id_hash = $1', [idHash]);
}
