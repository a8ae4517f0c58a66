/**
 * Sign-in: the first visit sets the admin password (unless DYNASYNC_ADMIN_PASSWORD did), later ones
 * sign in with it. Signing in always starts a new session id, so an id planted before sign-in is
 * worthless. Failed attempts are limited per client address.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../store/db/types.js';
import { AdminRefusal } from './errors.js';
import { parseInput } from './input.js';
import { loadPasswordHash, storeFirstPassword, verifyPassword } from './password.js';
import { sessionCookie, type SessionStore } from './session.js';

const PasswordBody = z.strictObject({ password: z.string().max(1024) });

/** At most `max` failed sign-ins per address per window (counted from the first failure). */
export class SignInLimiter {
  readonly #failures = new Map<string, { count: number; since: number }>();
  constructor(
    private readonly max = 5,
    private readonly windowMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  check(address: string): void {
    const f = this.#failures.get(address);
    if (!f) return;
    const left = f.since + this.windowMs - this.now();
    if (left <= 0) this.#failures.delete(address);
    else if (f.count >= this.max) {
      throw new AdminRefusal(429, 'too_many_attempts', 'Too many failed sign-ins: wait a few minutes', Math.ceil(left / 1000));
    }
  }

  fail(address: string): void {
    if (this.#failures.size > 10_000) this.#failures.clear(); // bounded memory under a spray of addresses
    const f = this.#failures.get(address);
    if (f) f.count += 1;
    else this.#failures.set(address, { count: 1, since: this.now() });
  }
}

export function registerAuthRoutes(app: FastifyInstance, db: Db, sessions: SessionStore): void {
  const limiter = new SignInLimiter();
  const startSession = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.adminSession) await sessions.destroy(request.adminSession.id);
    const session = await sessions.create();
    const maxAgeSeconds = Math.floor((session.expiresAt - session.createdAt) / 1000);
    void reply.header('set-cookie', sessionCookie(session.id, { secure: request.protocol === 'https', maxAgeSeconds }));
    return { signedIn: true, csrfToken: session.csrfToken };
  };

  app.get('/api/session', { config: { public: true } }, async (request) => {
    const needsSetup = (await loadPasswordHash(db)) === undefined;
    const s = request.adminSession;
    return s ? { signedIn: true, needsSetup, csrfToken: s.csrfToken } : { signedIn: false, needsSetup };
  });

  app.post('/api/setup', { config: { public: true } }, async (request, reply) => {
    const { password } = parseInput(PasswordBody, request.body, 'body');
    if (!(await storeFirstPassword(db, password))) {
      throw new AdminRefusal(409, 'password_already_set', 'The admin password is already set: sign in with it');
    }
    return startSession(request, reply);
  });

  app.post('/api/login', { config: { public: true } }, async (request, reply) => {
    const { password } = parseInput(PasswordBody, request.body, 'body');
    limiter.check(request.ip);
    const stored = await loadPasswordHash(db);
    if (!stored) throw new AdminRefusal(409, 'password_not_set', 'No admin password is set yet: set one first');
    if (!(await verifyPassword(password, stored))) {
      limiter.fail(request.ip);
      throw new AdminRefusal(401, 'wrong_password', 'Wrong password');
    }
    return startSession(request, reply);
  });

  app.post('/api/logout', async (request, reply) => {
    if (request.adminSession) await sessions.destroy(request.adminSession.id);
    void reply.header('set-cookie', sessionCookie('', { secure: request.protocol === 'https', maxAgeSeconds: 0 }));
    return { signedIn: false };
  });
}
