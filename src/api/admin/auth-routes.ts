/**
 * Sign-in. While no admin password is set (and DYNASYNC_ADMIN_PASSWORD gives none), it is set with
 * the one-time setup code printed on the server's console; later visits sign in with it. Signing
 * in always starts a new session id, so an id planted before sign-in is worthless. Every check is
 * cheap-first: the refusals that need no hash (already set, wrong code, locked out) come before
 * the scrypt, which runs under the per-address and process-wide bounds of sign-in-limiter.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../store/db/types.js';
import { AdminRefusal } from './errors.js';
import { parseInput } from './input.js';
import { checkNewPassword, hashPassword, loadPasswordHash, storeFirstPassword, verifyPassword } from './password.js';
import { sessionCookie, type SessionStore } from './session.js';
import type { SetupCode } from './setup-code.js';
import { HashSlots, SignInLimiter, type Attempt } from './sign-in-limiter.js';

const PasswordBody = z.strictObject({ password: z.string().max(1024) });
const SetupBody = z.strictObject({ password: z.string().max(1024), setupCode: z.string().max(100).optional() });

export interface AuthParts {
  readonly db: Db;
  readonly sessions: SessionStore;
  readonly setupCode: SetupCode;
  readonly limiter?: SignInLimiter;
  readonly hashes?: HashSlots;
}

/** Runs a checked attempt: its reservation is released however it ends. */
async function attempt<T>(a: Attempt, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } finally {
    a.finished();
  }
}

export function registerAuthRoutes(app: FastifyInstance, parts: AuthParts): void {
  const { db, sessions, setupCode } = parts;
  const limiter = parts.limiter ?? new SignInLimiter();
  const hashes = parts.hashes ?? new HashSlots();
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
    const body = parseInput(SetupBody, request.body, 'body');
    if (await loadPasswordHash(db))
      throw new AdminRefusal(409, 'password_already_set', 'The admin password is already set: sign in with it');
    if (setupCode.code === null) {
      throw new AdminRefusal(
        409,
        'setup_code_missing',
        'No setup code is active: restart the server, which prints a new one on its console',
      );
    }
    const password = checkNewPassword(body.password);
    const a = limiter.reserve(request.ip);
    const stored = await attempt(a, async () => {
      if (!setupCode.matches(body.setupCode)) {
        throw new AdminRefusal(
          401,
          'wrong_setup_code',
          'Wrong setup code: use the one the server printed on its console when it started',
        );
      }
      const ok = await storeFirstPassword(db, await hashes.run(() => hashPassword(password)));
      if (ok) a.succeeded();
      return ok;
    });
    if (!stored)
      throw new AdminRefusal(409, 'password_already_set', 'The admin password is already set: sign in with it');
    setupCode.consume();
    return startSession(request, reply);
  });

  app.post('/api/login', { config: { public: true } }, async (request, reply) => {
    const { password } = parseInput(PasswordBody, request.body, 'body');
    const stored = await loadPasswordHash(db);
    if (!stored) throw new AdminRefusal(409, 'password_not_set', 'No admin password is set yet: set one first');
    const a = limiter.reserve(request.ip);
    await attempt(a, async () => {
      if (!(await hashes.run(() => verifyPassword(password, stored))))
        throw new AdminRefusal(401, 'wrong_password', 'Wrong password');
      a.succeeded();
    });
    return startSession(request, reply);
  });

  app.post('/api/logout', async (request, reply) => {
    if (request.adminSession) await sessions.destroy(request.adminSession.id);
    void reply.header('set-cookie', sessionCookie('', { secure: request.protocol === 'https', maxAgeSeconds: 0 }));
    return { signedIn: false };
  });
}
