/**
 * Admin users' passwords: stored only as scrypt hashes (random salt) in admin_users. The first
 * user, `admin`, gets DYNASYNC_ADMIN_PASSWORD when set (it replaces the stored hash at start), or is
 * made once with the setup code (auth-routes.ts); others accept an invite. Verification compares in
 * constant time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { InvalidInputError } from '../../domain/index.js';
import type { SqlClient } from '../../store/db/types.js';
import {
  FIRST_ADMIN,
  anyAdminPassword,
  findSignInUser,
  insertFirstAdmin,
  setAdminPassword,
} from '../../store/admin-users.js';
export const MIN_PASSWORD_LENGTH = 8;

/** OWASP's scrypt floor (N=2^17, r=8, p=1): ~0.1 s and 128 MiB per hash, once per sign-in. */
const PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

export interface PasswordHash {
  readonly algorithm: 'scrypt';
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: string;
  readonly hash: string;
}

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return { algorithm: 'scrypt', ...PARAMS, salt: salt.toString('base64'), hash: key.toString('base64') };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(password, Buffer.from(stored.salt, 'base64'), stored);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export function checkNewPassword(password: unknown): string {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
    throw new InvalidInputError('weak_password', `The admin password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > 1024)
    throw new InvalidInputError('invalid_password', 'The admin password is too long (at most 1,024 characters)');
  return password;
}

/** True while no admin user has a password: the first visit sets one with the setup code. */
export const needsSetup = async (c: SqlClient): Promise<boolean> => !(await anyAdminPassword(c));

/** A new password for a user (`admin` by default, made if missing) signs that user's sessions out, in every process. */
export async function storePassword(c: SqlClient, password: string, email: string = FIRST_ADMIN): Promise<void> {
  await setAdminPassword(c, email, await hashPassword(checkNewPassword(password)));
}

/** The first-run form: makes the `admin` user only when no user has a password (two racing visitors: one wins). */
export async function storeFirstPassword(c: SqlClient, hash: PasswordHash): Promise<boolean> {
  return insertFirstAdmin(c, hash);
}

/**
 * Makes the environment's password the `admin` user's (hashing only when it differs), so a changed
 * DYNASYNC_ADMIN_PASSWORD takes effect at the next start and the first-run form never shows.
 */
export async function applyEnvironmentPassword(c: SqlClient, password: string | undefined): Promise<void> {
  if (!password) return;
  const stored = await findSignInUser<PasswordHash>(c, FIRST_ADMIN);
  if (stored && (await verifyPassword(password, stored.passwordHash))) return;
  await storePassword(c, password);
}
