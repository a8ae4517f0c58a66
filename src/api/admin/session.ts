/**
 * Admin sessions, held server-side in the lead database (store/admin-sessions.ts): the cookie
 * carries only a random id (256 bits), the database only its SHA-256, and expiry is decided here,
 * not by the browser. A restart keeps them, every process on the database shares them, and a
 * password change ends them all. Each session's CSRF token, which the UI sends back in a header on
 * every state-changing request, is derived from its id, so there is nothing else to store.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SqlClient } from '../../store/db/types.js';
import { deleteAdminSession, insertAdminSession, touchAdminSession } from '../../store/admin-sessions.js';

export const SESSION_COOKIE = 'dynasync_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface AdminSessionUser {
  readonly id: number;
  readonly email: string;
  readonly role: 'admin' | 'viewer';
}

export interface AdminSession {
  readonly id: string;
  /** Who is signed in: the guard refuses every change to a viewer. */
  readonly user: AdminSessionUser;
  readonly csrfToken: string;
  readonly createdAt: number;
  /** Absolute end, whatever the activity. */
  readonly expiresAt: number;
}

export interface SessionLimits {
  /** Signed out after this long without a request. */
  readonly idleMs: number;
  /** Signed out this long after sign-in, active or not. */
  readonly absoluteMs: number;
  /** Oldest sessions are dropped beyond this many (a flood of sign-ins cannot fill the table). */
  readonly maxSessions: number;
}

export const DEFAULT_LIMITS: SessionLimits = { idleMs: 2 * 3600_000, absoluteMs: 12 * 3600_000, maxSessions: 100 };

/** A session id as this server makes them: 32 random bytes, base64url. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

const hashId = (id: string): string => createHash('sha256').update(id).digest('base64url');
const csrfTokenOf = (id: string): string => createHmac('sha256', id).update('dynasync csrf token').digest('base64url');

export class SessionStore {
  constructor(
    private readonly db: SqlClient,
    private readonly limits: SessionLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  async create(user: AdminSessionUser): Promise<AdminSession> {
    const at = this.now();
    const id = randomBytes(32).toString('base64url');
    const expiresAt = at + this.limits.absoluteMs;
    await insertAdminSession(this.db, {
      idHash: hashId(id),
      userId: user.id,
      now: new Date(at),
      expiresAt: new Date(expiresAt),
      idleSince: new Date(at - this.limits.idleMs),
      maxSessions: this.limits.maxSessions,
    });
    return { id, user, csrfToken: csrfTokenOf(id), createdAt: at, expiresAt };
  }

  /** The live session with this id (its idle clock restarts), or null. */
  async touch(id: string | undefined): Promise<AdminSession | null> {
    if (!id || !SESSION_ID.test(id)) return null;
    const at = this.now();
    const row = await touchAdminSession(this.db, hashId(id), new Date(at), new Date(at - this.limits.idleMs));
    return (
      row && {
        id,
        user: row.user,
        csrfToken: csrfTokenOf(id),
        createdAt: row.createdAt.getTime(),
        expiresAt: row.expiresAt.getTime(),
      }
    );
  }

  async destroy(id: string): Promise<void> {
    await deleteAdminSession(this.db, hashId(id));
  }
}

export function csrfMatches(session: AdminSession, sent: string | undefined): boolean {
  if (!sent) return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The value of one cookie in a Cookie header (RFC 6265 syntax; no decoding: ids are base64url). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name)
      return part
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

/** Set-Cookie for the session: HttpOnly, SameSite=Strict, Path=/; Secure when served over https. */
export function sessionCookie(value: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  const parts = [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${opts.maxAgeSeconds}`,
  ];
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}
