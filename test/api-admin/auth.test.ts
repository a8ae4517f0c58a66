/** Sign-in, sessions, CSRF and same-origin checks of the admin API and pages, through inject(). */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { SESSION_COOKIE } from '../../src/api/admin/session.js';
import { ADMIN_PASSWORD, ORIGIN, sessionCookieOf, signedInClient } from './client.js';
import { openEmptyDeps } from './fixture.js';
import type { TestDb } from '../helpers/db.js';

let app: FastifyInstance | undefined;
let db: TestDb | undefined;

afterEach(async () => {
  await app?.close();
  await db?.dispose();
  app = undefined;
  db = undefined;
});

async function server(opts: { adminPassword?: string; firstRun?: boolean } = {}) {
  const opened = await openEmptyDeps(opts);
  db = opened.db;
  const built = await buildServer(opened.deps);
  app = built.app;
  return { app, deps: opened.deps, setupCode: built.setupCode };
}

describe('first run and sign-in', () => {
  it('sets the first password only with the setup code, stores it hashed, and refuses a second setup', async () => {
    const { app, setupCode } = await server({ firstRun: true });
    const code = setupCode.code!;
    expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    expect((await app.inject({ url: '/api/session' })).json()).toEqual({ signedIn: false, needsSetup: true });
    const weak = await app.inject({
      method: 'POST',
      url: '/api/setup',
      payload: { password: 'short', setupCode: code },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('weak_password');
    for (const wrong of [undefined, '', 'AAAA-AAAA-AAAA-AAAA']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/setup',
        payload: { password: ADMIN_PASSWORD, ...(wrong === undefined ? {} : { setupCode: wrong }) },
      });
      expect(res.statusCode, String(wrong)).toBe(401);
      expect(res.json().error.code).toBe('wrong_setup_code');
    }
    expect((await app.inject({ url: '/api/session' })).json().needsSetup, 'a wrong code sets nothing').toBe(true);

    // Case, spaces and dashes do not matter: people type what they read.
    const res = await app.inject({
      method: 'POST',
      url: '/api/setup',
      payload: { password: ADMIN_PASSWORD, setupCode: ` ${code.toLowerCase().replaceAll('-', ' ')} ` },
    });
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43};`));
    for (const attr of ['HttpOnly', 'SameSite=Strict', 'Path=/']) expect(setCookie).toContain(attr);
    expect(res.json().csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const stored = await db!.query<{ value: Record<string, unknown> }>(
      `SELECT password_hash AS value FROM admin_users WHERE email = 'admin'`,
    );
    expect(stored.rows[0]!.value).toMatchObject({ algorithm: 'scrypt' });
    expect(JSON.stringify(stored.rows[0]!.value)).not.toContain(ADMIN_PASSWORD);

    expect(setupCode.code, 'the code is spent').toBeNull();
    const again = await app.inject({
      method: 'POST',
      url: '/api/setup',
      payload: { password: 'another password', setupCode: code },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('password_already_set');
    expect((await app.inject({ url: '/api/session' })).json()).toEqual({ signedIn: false, needsSetup: false });
  });

  it('signs in with the right password only, each time with a new session id', async () => {
    const { deps } = await server();
    const client = await signedInClient({ ...deps });
    await client.app.close();
    const wrong = await app!.inject({ method: 'POST', url: '/api/login', payload: { password: 'not the password' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: { code: 'wrong_password', message: 'Wrong password' } });
    const ok = await app!.inject({ method: 'POST', url: '/api/login', payload: { password: ADMIN_PASSWORD } });
    expect(ok.statusCode).toBe(200);
    const cookie = sessionCookieOf(ok);
    expect(cookie).not.toBe(client.cookie);
    const status = await app!.inject({ url: '/api/session', headers: { cookie } });
    expect(status.json()).toMatchObject({ signedIn: true, csrfToken: ok.json().csrfToken });
  });

  it('limits failed sign-ins per address', async () => {
    const { app } = await server({ adminPassword: ADMIN_PASSWORD });
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      codes.push(
        (await app.inject({ method: 'POST', url: '/api/login', payload: { password: `wrong ${i}` } })).statusCode,
      );
    }
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    const blocked = await app.inject({ method: 'POST', url: '/api/login', payload: { password: ADMIN_PASSWORD } });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('takes the password from DYNASYNC_ADMIN_PASSWORD: no first-run form, and it signs in', async () => {
    const { app } = await server({ adminPassword: 'from the environment' });
    expect((await app.inject({ url: '/api/session' })).json()).toEqual({ signedIn: false, needsSetup: false });
    expect(
      (await app.inject({ method: 'POST', url: '/api/setup', payload: { password: 'someone else!' } })).statusCode,
    ).toBe(409);
    expect(
      (await app.inject({ method: 'POST', url: '/api/login', payload: { password: 'from the environment' } }))
        .statusCode,
    ).toBe(200);
  });
});

describe('what needs a session', () => {
  it('answers 401 JSON on /api and redirects pages to the sign-in page; sign-in page and assets are public', async () => {
    const { app } = await server({ firstRun: true });
    for (const url of ['/api/status', '/api/people', '/api/connection', '/api/sync-errors.csv']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.code).toBe('not_signed_in');
    }
    const page = await app.inject({ url: '/people/12?x=1' });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe(`/login?next=${encodeURIComponent('/people/12?x=1')}`);
    const login = await app.inject({ url: '/login' });
    expect(login.statusCode).toBe(200);
    expect(login.headers['content-security-policy']).toContain("script-src 'self'");
    expect(login.headers['x-frame-options']).toBe('DENY');
    const css = await app.inject({ url: '/assets/app.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
    expect(
      (await app.inject({ url: '/assets/app.css', headers: { 'if-none-match': String(css.headers.etag) } })).statusCode,
    ).toBe(304);
    expect((await app.inject({ url: '/assets/../pages.ts' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/assets/nothing.js' })).statusCode).toBe(404);
  });

  it('signs out: the old cookie no longer works', async () => {
    const { deps } = await server();
    const c = await signedInClient(deps);
    const out = await c.send({ method: 'POST', url: '/api/logout' });
    expect(out.statusCode).toBe(200);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await c.send({ url: '/api/status' })).statusCode).toBe(401);
    await c.app.close();
  });
});

describe('cross-site protection', () => {
  it('refuses a state change without the CSRF token, with a wrong one, or from another origin', async () => {
    const { deps } = await server();
    const c = await signedInClient(deps);
    const post = (headers: Record<string, string>) =>
      c.app.inject({ method: 'POST', url: '/api/sync-now', headers: { cookie: c.cookie, ...headers } });
    const missing = await post({ origin: ORIGIN });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.code).toBe('csrf_token_invalid');
    expect((await post({ origin: ORIGIN, 'x-csrf-token': `${c.csrf.slice(0, -1)}x` })).json().error.code).toBe(
      'csrf_token_invalid',
    );
    const foreign = await post({ origin: 'https://evil.example', 'x-csrf-token': c.csrf });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('cross_site_request');
    expect((await post({ 'sec-fetch-site': 'cross-site', 'x-csrf-token': c.csrf })).json().error.code).toBe(
      'cross_site_request',
    );
    // The right token from the same origin passes the guard (and meets the missing runner).
    expect((await post({ origin: ORIGIN, 'x-csrf-token': c.csrf })).json().error.code).toBe('no_runner');
    // Reads need no token.
    expect((await c.send({ url: '/api/sync-errors' })).statusCode).toBe(200);
    await c.app.close();
  });

  it('refuses a sign-in posted from another site', async () => {
    const { app } = await server({ adminPassword: ADMIN_PASSWORD });
    const res = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { password: ADMIN_PASSWORD },
      headers: { origin: 'http://attacker.test' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});
