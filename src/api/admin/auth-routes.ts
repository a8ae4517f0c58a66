/**
 * Sign-in. While no admin password is set (and DYNASYNC_ADMIN_PASSWORD gives none), it is set with
 * the one-time setup code printed on the server's console; later visits sign in with it. Signing
 * in always starts a new session id, so an id planted before sign-in is worthless. Every check is
 * cheap-first: the refusals that need no hash (already set, wrong code, locked out) come before
 * the scrypt, which runs under the per-address and process-wide bounds of sign-in-limiter.ts.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../store/db/types.js';
import { AdminRefusal } from './errors.js';
import { parseInput } from './input.js';
import { FIRST_ADMIN, acceptAdminInvite, findSignInUser, markSignedIn } from '../../store/admin-users.js';
import { recordAudit } from '../../store/audit-log.js';
import { hashInviteToken, isInviteToken } from './invites.js';
import {
  checkNewPassword,
  hashPassword,
  needsSetup,
  storeFirstPassword,
  verifyPassword,
  type PasswordHash,
} from './password.js';
import { sessionCookie, type AdminSessionUser, type SessionStore } from './session.js';
import type { SetupCode } from './setup-code.js';
import { HashSlots, SignInLimiter, type Attempt } from './sign-in-limiter.js';

const PasswordBody = z.strictObject({
  /** Absent or empty: the first admin (`admin`), as before named users. */
  email: z.string().trim().max(320).optional(),
  password: z.string().max(1024),
});
const AcceptBody = z.strictObject({ token: z.string().max(100), password: z.string().max(1024) });
const INVITE_INVALID = 'This invite link is unknown, already used or expired: ask an admin for a new one';
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
  // An unknown user costs the same scrypt as a wrong password, so timing does not tell which emails exist.
  let decoy: Promise<PasswordHash> | undefined;
  const startSession = async (request: FastifyRequest, reply: FastifyReply, user: AdminSessionUser) => {
    if (request.adminSession) await sessions.destroy(request.adminSession.id);
    await markSignedIn(db, user.id);
    const session = await sessions.create(user);
    const maxAgeSeconds = Math.floor((session.expiresAt - session.createdAt) / 1000);
    void reply.header('set-cookie', sessionCookie(session.id, { secure: request.protocol === 'https', maxAgeSeconds }));
    return { signedIn: true, csrfToken: session.csrfToken, user };
  };

  app.get('/api/session', { config: { public: true } }, async (request) => {
    const setup = await needsSetup(db);
    const s = request.adminSession;
    return s
      ? { signedIn: true, needsSetup: setup, csrfToken: s.csrfToken, user: s.user }
      : { signedIn: false, needsSetup: setup };
  });

  app.post('/api/setup', { config: { public: true } }, async (request, reply) => {
    const body = parseInput(SetupBody, request.body, 'body');
    if (!(await needsSetup(db)))
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
    const admin = await findSignInUser(db, FIRST_ADMIN);
    return startSession(request, reply, { id: admin!.id, email: admin!.email, role: admin!.role });
  });

  app.post('/api/login', { config: { public: true } }, async (request, reply) => {
    const { email, password } = parseInput(PasswordBody, request.body, 'body');
    if (await needsSetup(db))
      throw new AdminRefusal(409, 'password_not_set', 'No admin password is set yet: set one first');
    const user = await findSignInUser<PasswordHash>(db, email || FIRST_ADMIN);
    const a = limiter.reserve(request.ip);
    await attempt(a, async () => {
      const against = user?.passwordHash ?? (await (decoy ??= hashPassword(randomUUID())));
      const ok = await hashes.run(() => verifyPassword(password, against));
      if (!ok || !user)
        throw new AdminRefusal(401, 'wrong_password', email ? 'Wrong email or password' : 'Wrong password');
      a.succeeded();
    });
    return startSession(request, reply, { id: user!.id, email: user!.email, role: user!.role });
  });

  // An invited user sets a password with the link's token, and is signed in as themselves.
  app.post('/api/invite/accept', { config: { public: true } }, async (request, reply) => {
    const body = parseInput(AcceptBody, request.body, 'body');
    const password = checkNewPassword(body.password);
    if (!isInviteToken(body.token)) throw new AdminRefusal(401, 'invite_invalid', INVITE_INVALID);
    const hash = await hashes.run(() => hashPassword(password));
    const user = await acceptAdminInvite(db, hashInviteToken(body.token), hash);
    if (!user) throw new AdminRefusal(401, 'invite_invalid', INVITE_INVALID);
    await recordAudit(db, {
      actor: user.email,
      action: 'user.accept',
      target: user.email,
      details: { role: user.role },
    });
    return startSession(request, reply, user);
  });

  app.post('/api/logout', { config: { viewerAllowed: true } }, async (request, reply) => {
    if (request.adminSession) await sessions.destroy(request.adminSession.id);
    void reply.header('set-cookie', sessionCookie('', { secure: request.protocol === 'https', maxAgeSeconds: 0 }));
    return { signedIn: false };
  });
}
