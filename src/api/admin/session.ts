/**
 * Admin sessions, held server-side in memory: the cookie carries only a random id (256 bits), and
 * expiry is decided here, not by the browser. Each session has its own CSRF token, which the UI
 * sends back in a header on every state-changing request. A restart signs everyone out, which is
 * acceptable for one admin console served by one process.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'dynasync_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface AdminSession {
  readonly id: string;
  readonly csrfToken: string;
  readonly createdAt: number;
  /** Absolute end, whatever the activity. */
  readonly expiresAt: number;
  lastSeenAt: number;
}

export interface SessionLimits {
  /** Signed out after this long without a request. */
  readonly idleMs: number;
  /** Signed out this long after sign-in, active or not. */
  readonly absoluteMs: number;
  /** Oldest sessions are dropped beyond this many (a flood of sign-ins cannot fill memory). */
  readonly maxSessions: number;
}

export const DEFAULT_LIMITS: SessionLimits = { idleMs: 2 * 3600_000, absoluteMs: 12 * 3600_000, maxSessions: 100 };

const token = (): string => randomBytes(32).toString('base64url');

export class SessionStore {
  readonly #sessions = new Map<string, AdminSession>();

  constructor(
    private readonly limits: SessionLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  create(): AdminSession {
    this.sweep();
    while (this.#sessions.size >= this.limits.maxSessions) {
      const oldest = this.#sessions.keys().next().value as string;
      this.#sessions.delete(oldest);
    }
    const at = this.now();
    const session = { id: token(), csrfToken: token(), createdAt: at, expiresAt: at + this.limits.absoluteMs, lastSeenAt: at };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id (its idle clock restarts), or null. */
  touch(id: string | undefined): AdminSession | null {
    if (!id) return null;
    const s = this.#sessions.get(id);
    if (!s) return null;
    const at = this.now();
    if (at >= s.expiresAt || at - s.lastSeenAt >= this.limits.idleMs) {
      this.#sessions.delete(id);
      return null;
    }
    s.lastSeenAt = at;
    return s;
  }

  destroy(id: string): void {
    this.#sessions.delete(id);
  }

  /** Signs every session out (after the password changes). */
  clear(): void {
    this.#sessions.clear();
  }

  private sweep(): void {
    const at = this.now();
    for (const [id, s] of this.#sessions) {
      if (at >= s.expiresAt || at - s.lastSeenAt >= this.limits.idleMs) this.#sessions.delete(id);
    }
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
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

/** Set-Cookie for the session: HttpOnly, SameSite=Strict, Path=/; Secure when served over https. */
export function sessionCookie(value: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${opts.maxAgeSeconds}`];
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}
