/**
 * Signed-in requests through fastify's inject(): the session cookie and CSRF token of a sign-in are
 * replayed on later requests, as the browser and the UI's api.js do.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../../src/api/server.js';
import type { ApiDeps } from '../../src/api/deps.js';

export const ADMIN_PASSWORD = 'correct horse battery';
/** The Host inject() sends, hence the origin the guard expects. */
export const ORIGIN = 'http://localhost:80';

export interface AdminClient {
  readonly app: FastifyInstance;
  readonly cookie: string;
  readonly csrf: string;
  /** A request with the session cookie, and for state changes the CSRF token and same Origin. */
  send(opts: InjectOptions): Promise<LightMyRequestResponse>;
}

export function sessionCookieOf(res: LightMyRequestResponse): string {
  const header = res.headers['set-cookie'];
  const first = Array.isArray(header) ? header[0] : header;
  if (!first) throw new Error(`no set-cookie in ${res.statusCode} ${res.body}`);
  return first.split(';')[0]!;
}

/**
 * A server over these deps, signed in: the admin password is set with the server's setup code on
 * a first run, or, when the database already has it, used to sign in.
 */
export async function signedInClient(deps: ApiDeps): Promise<AdminClient> {
  const { app, setupCode } = await buildServer(deps);
  let res = setupCode.code
    ? await app.inject({
        method: 'POST',
        url: '/api/setup',
        payload: { password: ADMIN_PASSWORD, setupCode: setupCode.code },
      })
    : await app.inject({ method: 'POST', url: '/api/login', payload: { password: ADMIN_PASSWORD } });
  if (res.statusCode === 409)
    res = await app.inject({ method: 'POST', url: '/api/login', payload: { password: ADMIN_PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const cookie = sessionCookieOf(res);
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return {
    app,
    cookie,
    csrf,
    send: (opts) => {
      const changing = (opts.method ?? 'GET') !== 'GET';
      return app.inject({
        ...opts,
        headers: { cookie, ...(changing ? { 'x-csrf-token': csrf, origin: ORIGIN } : {}), ...(opts.headers ?? {}) },
      });
    },
  };
}
