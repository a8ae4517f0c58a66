/**
 * One-time invite links for named admin users: 32 random bytes (base64url) in the link, only their
 * SHA-256 stored, valid for 72 hours and once. Made by `dynasync admin-user invite` (directly or
 * through the running process) and by an admin on the Users page.
 */
import { createHash, randomBytes } from 'node:crypto';
import { InvalidInputError } from '../../domain/index.js';
import type { SqlClient } from '../../store/db/types.js';
import { ADMIN_ROLES, inviteAdminUser, type AdminRole, type AdminUser } from '../../store/admin-users.js';

export const INVITE_TTL_MS = 72 * 3600_000;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export const hashInviteToken = (token: string): string => createHash('sha256').update(token).digest('base64url');
export const isInviteToken = (token: string): boolean => TOKEN.test(token);

export function checkInvite(email: string, role: string): { email: string; role: AdminRole } {
  const e = email.trim().toLowerCase();
  if (!EMAIL.test(e)) throw new InvalidInputError('invalid_email', `'${email.slice(0, 100)}' is not an email address`);
  if (!ADMIN_ROLES.includes(role as AdminRole))
    throw new InvalidInputError('invalid_role', `The role must be admin or viewer, not '${role.slice(0, 50)}'`);
  return { email: e, role: role as AdminRole };
}

export async function createInvite(
  db: SqlClient,
  i: { email: string; role: string; invitedBy: string; now?: number },
): Promise<{ user: AdminUser; token: string; expiresAt: Date }> {
  const { email, role } = checkInvite(i.email, i.role);
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date((i.now ?? Date.now()) + INVITE_TTL_MS);
  const user = await inviteAdminUser(db, {
    email,
    role,
    tokenHash: hashInviteToken(token),
    expiresAt,
    invitedBy: i.invitedBy,
  });
  return { user, token, expiresAt };
}

/** The link the invited person opens: the token travels in the fragment-free query of the accept page. */
export const inviteLink = (baseUrl: string, token: string): string =>
  `${baseUrl.replace(/\/+$/, '')}/invite?token=${token}`;
