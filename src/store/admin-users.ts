/**
 * Named admin users of the web UI, their one-time invites and their sessions' owner. Passwords are
 * stored as the scrypt hash the caller made; invite tokens as a SHA-256 of the random token (a
 * leaked table lets no one accept an invite). Emails are kept lower-case, so one person is one row.
 */
import { InvalidInputError, NotFoundError } from '../domain/errors.js';
import { inTransaction } from './db/tx.js';
import type { SqlClient } from './db/types.js';

export type AdminRole = 'admin' | 'viewer';
export const ADMIN_ROLES: readonly AdminRole[] = ['admin', 'viewer'];
/** The user a single-password install became, and whom a password-only sign-in means. */
export const FIRST_ADMIN = 'admin';

export interface AdminUser {
  readonly id: number;
  readonly email: string;
  readonly role: AdminRole;
  readonly hasPassword: boolean;
  readonly invitedBy: string | null;
  readonly createdAt: Date;
  readonly lastSignInAt: Date | null;
  /** The newest invite not yet used, when it has one. */
  readonly inviteExpiresAt: Date | null;
}

interface UserRow {
  id: number | string;
  email: string;
  role: AdminRole;
  has_password: boolean;
  invited_by: string | null;
  created_at: Date | string;
  last_sign_in_at: Date | string | null;
  invite_expires_at: Date | string | null;
}

const USER_COLUMNS = `u.id, u.email, u.role, (u.password_hash IS NOT NULL) AS has_password, u.invited_by, u.created_at,
  u.last_sign_in_at, (SELECT max(i.expires_at) FROM admin_invites i WHERE i.user_id = u.id AND i.used_at IS NULL) AS invite_expires_at`;

const toUser = (r: UserRow): AdminUser => ({
  id: Number(r.id),
  email: r.email,
  role: r.role,
  hasPassword: r.has_password,
  invitedBy: r.invited_by,
  createdAt: new Date(r.created_at),
  lastSignInAt: r.last_sign_in_at === null ? null : new Date(r.last_sign_in_at),
  inviteExpiresAt: r.invite_expires_at === null ? null : new Date(r.invite_expires_at),
});

export async function listAdminUsers(c: SqlClient): Promise<AdminUser[]> {
  const r = await c.query<UserRow>(`SELECT ${USER_COLUMNS} FROM admin_users u ORDER BY u.id`);
  return r.rows.map(toUser);
}

/** The password hash and role of a user who may sign in (has a password); null otherwise. */
export async function findSignInUser<H>(
  c: SqlClient,
  email: string,
): Promise<{ id: number; email: string; role: AdminRole; passwordHash: H } | null> {
  const r = await c.query<{ id: number | string; email: string; role: AdminRole; password_hash: H }>(
    'SELECT id, email, role, password_hash FROM admin_users WHERE email = lower($1) AND password_hash IS NOT NULL',
    [email],
  );
  const row = r.rows[0];
  return row ? { id: Number(row.id), email: row.email, role: row.role, passwordHash: row.password_hash } : null;
}

export async function anyAdminPassword(c: SqlClient): Promise<boolean> {
  const r = await c.query('SELECT 1 FROM admin_users WHERE password_hash IS NOT NULL LIMIT 1');
  return r.rows.length > 0;
}

export async function markSignedIn(c: SqlClient, userId: number): Promise<void> {
  await c.query('UPDATE admin_users SET last_sign_in_at = now() WHERE id = $1', [userId]);
}

/** The first-run form: makes `admin` only while no user has a password (two racing visitors: one wins). */
export async function insertFirstAdmin(c: SqlClient, hash: unknown): Promise<boolean> {
  const r = await c.query(
    `INSERT INTO admin_users (email, role, password_hash)
     SELECT $1, 'admin', $2::jsonb WHERE NOT EXISTS (SELECT 1 FROM admin_users WHERE password_hash IS NOT NULL)
     ON CONFLICT (email) DO NOTHING RETURNING id`,
    [FIRST_ADMIN, JSON.stringify(hash)],
  );
  return r.rows.length > 0;
}

/** Sets (or creates, as an admin) the user's password and signs that user's sessions out. */
export async function setAdminPassword(c: SqlClient, email: string, hash: unknown): Promise<void> {
  await inTransaction(c, async (tx) => {
    const r = await tx.query<{ id: number | string }>(
      `INSERT INTO admin_users (email, role, password_hash) VALUES (lower($1), 'admin', $2::jsonb)
       ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash RETURNING id`,
      [email, JSON.stringify(hash)],
    );
    await tx.query('DELETE FROM admin_sessions WHERE user_id = $1', [r.rows[0]!.id]);
  });
}

/**
 * Invites a new user, or re-invites one (a new link; their role becomes `role`). Earlier unused
 * links of the user stop working: only the newest counts.
 */
export async function inviteAdminUser(
  c: SqlClient,
  i: { email: string; role: AdminRole; tokenHash: string; expiresAt: Date; invitedBy: string },
): Promise<AdminUser> {
  return inTransaction(c, async (tx) => {
    const u = await tx.query<{ id: number | string }>(
      `INSERT INTO admin_users (email, role, invited_by) VALUES (lower($1), $2, $3)
       ON CONFLICT (email) DO UPDATE SET role = EXCLUDED.role RETURNING id`,
      [i.email, i.role, i.invitedBy],
    );
    const id = Number(u.rows[0]!.id);
    await tx.query('DELETE FROM admin_invites WHERE user_id = $1 AND used_at IS NULL', [id]);
    await tx.query('INSERT INTO admin_invites (token_hash, user_id, expires_at) VALUES ($1, $2, $3)', [
      i.tokenHash,
      id,
      i.expiresAt,
    ]);
    await tx.query('DELETE FROM admin_sessions WHERE user_id = $1', [id]); // a role change applies at once
    const r = await tx.query<UserRow>(`SELECT ${USER_COLUMNS} FROM admin_users u WHERE u.id = $1`, [id]);
    return toUser(r.rows[0]!);
  });
}

/** Spends an invite: the user's password is set and the link is used up. Null when unknown, used or expired. */
export async function acceptAdminInvite(
  c: SqlClient,
  tokenHash: string,
  hash: unknown,
): Promise<{ id: number; email: string; role: AdminRole } | null> {
  return inTransaction(c, async (tx) => {
    const used = await tx.query<{ user_id: number | string }>(
      `UPDATE admin_invites SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
       RETURNING user_id`,
      [tokenHash],
    );
    const userId = used.rows[0]?.user_id;
    if (userId === undefined) return null;
    const r = await tx.query<{ id: number | string; email: string; role: AdminRole }>(
      'UPDATE admin_users SET password_hash = $2::jsonb WHERE id = $1 RETURNING id, email, role',
      [userId, JSON.stringify(hash)],
    );
    await tx.query('DELETE FROM admin_sessions WHERE user_id = $1', [userId]);
    const row = r.rows[0]!;
    return { id: Number(row.id), email: row.email, role: row.role };
  });
}

/** Removes a user, their invites and sessions. The last admin with a password cannot be removed. */
export async function removeAdminUser(c: SqlClient, id: number): Promise<AdminUser> {
  return inTransaction(c, async (tx) => {
    const r = await tx.query<UserRow>(`SELECT ${USER_COLUMNS} FROM admin_users u WHERE u.id = $1 FOR UPDATE`, [id]);
    if (!r.rows[0]) throw new NotFoundError('admin_user_not_found', `No admin user with id ${id}`);
    const user = toUser(r.rows[0]);
    const others = await tx.query(
      `SELECT 1 FROM admin_users WHERE id <> $1 AND role = 'admin' AND password_hash IS NOT NULL LIMIT 1`,
      [id],
    );
    if (user.role === 'admin' && user.hasPassword && others.rows.length === 0)
      throw new InvalidInputError('last_admin', 'This is the last admin who can sign in: invite another admin first');
    await tx.query('DELETE FROM admin_sessions WHERE user_id = $1', [id]);
    await tx.query('DELETE FROM admin_invites WHERE user_id = $1', [id]);
    await tx.query('DELETE FROM admin_users WHERE id = $1', [id]);
    return user;
  });
}
