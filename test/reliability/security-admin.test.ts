/**
 * Security of the admin UI and its API (issue 6 item 5, HTTP part): everything but the sign-in
 * page needs a session; sign-in is rate limited; state changes need the session's CSRF token and
 * must come from the UI's own origin; cookies and headers keep the pages from being read or framed
 * by other sites; the Dynamics secrets are never sent back; searches are data, not SQL; bodies have
 * a size limit; and nothing typed into these forms reaches the log.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, ORIGIN, openHttpWorld, signIn, type HttpWorld } from './helpers/http-world.js';

let world: HttpWorld;
let app: FastifyInstance;

beforeAll(async () => {
  world = await openHttpWorld();
  app = await world.server();
});

afterAll(async () => {
  await world?.close();
});

const PAGES = ['/status', '/connection', '/fields', '/errors', '/people', '/people/1', '/companies'];
const API_READS = [
  '/api/status',
  '/api/connection',
  '/api/fields?entity=account',
  '/api/sync-errors',
  '/api/sync-errors.csv',
  '/api/people',
  '/api/people/1',
  '/api/companies',
];

describe('sign-in', () => {
  it('every page and admin API call needs a session; the sign-in page and its assets do not', async () => {
    for (const url of PAGES) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
    }
    for (const url of API_READS) expect((await app.inject({ url })).statusCode, url).toBe(401);
    expect((await app.inject({ url: '/login' })).statusCode).toBe(200);
    const forged = await app.inject({
      url: '/api/status',
      headers: { cookie: `dynasync_session=${randomBytes(32).toString('base64url')}` },
    });
    expect(forged.statusCode, 'an invented session id').toBe(401);
  });

  it('a wrong password is refused, and repeated failures are locked out', async () => {
    const attempt = (password: string, ip: string) =>
      app.inject({
        method: 'POST',
        url: '/api/login',
        remoteAddress: ip,
        headers: { origin: ORIGIN },
        payload: { password },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await attempt(`wrong-${i}`, '10.9.8.7')).statusCode);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect((await attempt(ADMIN_PASSWORD, '10.9.8.7')).statusCode, 'even the right password while locked out').toBe(
      429,
    );
    expect((await attempt(ADMIN_PASSWORD, '10.9.8.6')).statusCode, 'another address').toBe(200);
  });

  it('the session cookie is HttpOnly and SameSite=Strict, and signing out ends the session', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { origin: ORIGIN },
      payload: { password: ADMIN_PASSWORD },
    });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const s = await signIn(app);
    expect((await s.send({ url: '/api/status' })).statusCode).toBe(200);
    expect((await s.send({ method: 'POST', url: '/api/logout' })).statusCode).toBe(200);
    expect((await s.send({ url: '/api/status' })).statusCode, 'the old cookie after sign-out').toBe(401);
  });
});

describe('cross-site requests', () => {
  it('a state change needs the session CSRF token, and must come from the UI origin', async () => {
    const s = await signIn(app);
    const post = (headers: Record<string, string>) =>
      app.inject({ method: 'POST', url: '/api/sync-now', headers: { cookie: s.cookie, ...headers } });
    expect((await post({})).statusCode, 'no token').toBe(403);
    expect((await post({ 'x-csrf-token': 'x'.repeat(43) })).statusCode, 'a wrong token').toBe(403);
    expect((await post({ 'x-csrf-token': s.csrf, origin: 'https://evil.example' })).statusCode, 'another origin').toBe(
      403,
    );
    expect(
      (await post({ 'x-csrf-token': s.csrf, 'sec-fetch-site': 'cross-site' })).statusCode,
      'a cross-site fetch',
    ).toBe(403);
    const other = await signIn(app);
    expect((await post({ 'x-csrf-token': other.csrf, origin: ORIGIN })).statusCode, "another session's token").toBe(
      403,
    );
    expect((await post({ 'x-csrf-token': s.csrf, origin: ORIGIN })).statusCode, 'the UI itself').not.toBe(403);
  });

  it('a cross-site form cannot sign in, save a connection or change fields', async () => {
    const s = await signIn(app);
    const form = { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' };
    expect(
      (await app.inject({ method: 'POST', url: '/api/login', headers: form, payload: `password=${ADMIN_PASSWORD}` }))
        .statusCode,
    ).toBe(403);
    for (const [method, url] of [
      ['PUT', '/api/connection'],
      ['PUT', '/api/fields'],
      ['PUT', '/api/people/1/company-field'],
      ['POST', '/api/logout'],
    ] as const) {
      const res = await app.inject({
        method,
        url,
        headers: { ...form, cookie: s.cookie },
        payload: 'orgUrl=https://evil.example',
      });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
  });

  it('pages cannot be framed, sniffed or fed foreign scripts', async () => {
    const s = await signIn(app);
    const page = await s.send({ url: '/status' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(String(page.headers['content-security-policy'])).toMatch(/frame-ancestors 'none'/);
    expect(String(page.headers['content-security-policy'])).toMatch(/script-src 'self'/);
  });
});

describe('what the admin API takes and gives', () => {
  it('the Dynamics password is stored but never sent back nor logged', async () => {
    const s = await signIn(app);
    const password = `Dyn-${randomBytes(12).toString('hex')}`;
    createAdmin(world.emu.ctx).addUser({ name: 'ui-sync@contoso.test', password, securedRead: '*' });
    const saved = await s.send({
      method: 'PUT',
      url: '/api/connection',
      payload: {
        orgUrl: world.emu.url,
        username: 'ui-sync@contoso.test',
        password,
        clientId: 'dynasync-local',
        tenant: 'contoso',
        authority: world.emu.url,
      },
    });
    expect(saved.statusCode).toBe(200);
    const read = await s.send({ url: '/api/connection' });
    expect(read.json()).toMatchObject({ configured: true, hasPassword: true });
    const validated = await s.send({ method: 'POST', url: '/api/connection/validate' });
    expect(validated.statusCode, `a sign-in with the stored password: ${validated.body}`).toBe(200);
    for (const body of [saved.body, read.body]) expect(body).not.toContain(password);
    expect(world.h.logs.lines.join('\n')).not.toContain(password);
    expect(world.h.logs.lines.join('\n')).not.toContain(ADMIN_PASSWORD);
  });

  it('searches and ids are data, not SQL', async () => {
    const s = await signIn(app);
    const persons = async () =>
      (await world.h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM persons')).rows[0]!.n;
    const before = await persons();
    for (const q of ["' OR '1'='1", "'; DROP TABLE persons; --", "\\'", '" OR ""="']) {
      const res = await s.send({ url: '/api/people', query: { q } });
      expect(res.statusCode, q).toBe(200);
      expect((res.json() as { items: unknown[] }).items, q).toEqual([]);
      expect((await s.send({ url: '/api/sync-errors', query: { q } })).statusCode, q).toBe(200);
    }
    for (const id of ['1 OR 1=1', '1;DROP TABLE persons', '-1', "1' --"]) {
      expect((await s.send({ url: `/api/people/${encodeURIComponent(id)}` })).statusCode, id).toBe(400);
    }
    const field = await s.send({
      method: 'PUT',
      url: '/api/people/1/company-field',
      payload: { field: "billingCity' = 'x', fields = '{}' --", value: 'x' },
    });
    expect(field.statusCode).toBe(400);
    const fields = await s.send({
      method: 'PUT',
      url: '/api/fields',
      payload: { entity: 'account', add: ['name,ownerid&$expand=x'] },
    });
    expect(fields.statusCode).toBe(400);
    expect(await persons()).toBe(before);
  });

  it('/metrics and /docs, public by design, show no record and no secret', async () => {
    const emails = (
      await world.h.db.query<{ email: string }>('SELECT email FROM persons WHERE email IS NOT NULL LIMIT 50')
    ).rows.map((r) => r.email);
    for (const url of ['/metrics', '/docs']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      for (const e of emails) expect(res.body.includes(e), `${url} shows ${e}`).toBe(false);
      for (const secret of ['Passw0rd!', ADMIN_PASSWORD]) expect(res.body.includes(secret), url).toBe(false);
    }
  });

  it('request bodies over the limit are refused with 413', async () => {
    const s = await signIn(app);
    const res = await s.send({
      method: 'PUT',
      url: '/api/people/1/company-field',
      payload: { field: 'billingCity', value: 'x'.repeat(1_100_000) },
    });
    expect(res.statusCode).toBe(413);
    const login = await app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { origin: ORIGIN },
      payload: { password: 'x'.repeat(1_100_000) },
    });
    expect(login.statusCode).toBe(413);
  });
});
