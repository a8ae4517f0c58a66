/**
 * Sign-in and cross-site protection for every admin route, as one onRequest hook:
 *  - a state-changing request (anything but GET/HEAD/OPTIONS) coming from another site is refused:
 *    its Origin must be this server's, and Sec-Fetch-Site, when the browser sends it, same-origin;
 *  - every route but the sign-in ones needs a live session: /api answers 401 JSON, pages redirect
 *    to /login, with the page asked for as `next` only when it is a path of this site;
 *  - a state-changing request of a signed-in session must carry the session's CSRF token in the
 *    X-CSRF-Token header (a cross-site form cannot set headers; SameSite=Strict is a second wall);
 *  - a state-changing request of a viewer is refused (403 read_only_role): roles are enforced
 *    here, once, for every route, so a new route cannot forget them.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { safeNextPath } from './next-path.js';
import {
  CSRF_HEADER,
  SESSION_COOKIE,
  csrfMatches,
  readCookie,
  type AdminSession,
  type SessionStore,
} from './session.js';

declare module 'fastify' {
  interface FastifyRequest {
    adminSession?: AdminSession;
  }
  interface FastifyContextConfig {
    /** Reachable without a session (sign-in page, its API, static assets). */
    public?: boolean;
    /** A change a viewer may make too (signing out). Every other change needs the admin role. */
    viewerAllowed?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const refuse = (reply: FastifyReply, status: number, code: string, message: string) =>
  reply.code(status).header('cache-control', 'no-store').send({ error: { code, message } });

/** True when the browser says the request comes from another site. Non-browser clients send neither header. */
export function isCrossSite(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined) return origin !== `${request.protocol}://${request.host}`;
  const site = request.headers['sec-fetch-site'];
  return site !== undefined && site !== 'same-origin' && site !== 'none';
}

const isApi = (request: FastifyRequest): boolean => request.url === '/api' || request.url.startsWith('/api/');

export function createGuard(sessions: SessionStore) {
  return async function guard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const changing = !SAFE_METHODS.has(request.method);
    if (changing && isCrossSite(request)) {
      return refuse(reply, 403, 'cross_site_request', 'Cross-site requests are refused: use the dynasync UI itself');
    }
    const session = await sessions.touch(readCookie(request.headers.cookie, SESSION_COOKIE));
    if (session) request.adminSession = session;
    if (request.routeOptions.config.public) return;
    if (!session) {
      if (isApi(request)) return refuse(reply, 401, 'not_signed_in', 'Sign in first');
      const next = safeNextPath(request.url, '');
      return reply.redirect(next ? `/login?next=${encodeURIComponent(next)}` : '/login', 303);
    }
    const sent = request.headers[CSRF_HEADER];
    if (changing && !csrfMatches(session, typeof sent === 'string' ? sent : undefined)) {
      return refuse(reply, 403, 'csrf_token_invalid', 'Missing or wrong CSRF token: reload the page and try again');
    }
    if (changing && session.user.role !== 'admin' && !request.routeOptions.config.viewerAllowed) {
      return refuse(reply, 403, 'read_only_role', `${session.user.email} is a viewer: viewers can look but not change`);
    }
  };
}
