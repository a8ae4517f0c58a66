/** GET/PUT /api/connection and POST /api/connection/validate against the emulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, type AdminClient } from './client.js';
import { openEmptyDeps, openSyncedFixture, SYNC_USER, type SyncedFixture } from './fixture.js';

let f: SyncedFixture;
let c: AdminClient;

beforeAll(async () => {
  f = await openSyncedFixture();
  c = await signedInClient(f.deps());
});
afterAll(async () => {
  await c?.app.close();
  await f?.close();
});

const body = (over: Record<string, unknown> = {}) => ({
  orgUrl: f.emulator.url,
  username: SYNC_USER.username,
  clientId: SYNC_USER.clientId,
  tenant: SYNC_USER.tenant,
  authority: f.emulator.url,
  ...over,
});

describe('GET /api/connection', () => {
  it('describes the connection without its secrets', async () => {
    const res = await c.send({ url: '/api/connection' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      configured: true,
      orgUrl: f.emulator.url,
      authKind: 'password',
      username: SYNC_USER.username,
      clientId: SYNC_USER.clientId,
      hasPassword: true,
      hasClientSecret: false,
    });
    expect(res.body).not.toContain(SYNC_USER.password);
    expect(res.body).not.toContain('secrets');
  });
});

describe('POST /api/connection/validate', () => {
  it('runs the checklist: every item passes for the sync user', async () => {
    const res = await c.send({ method: 'POST', url: '/api/connection/validate' });
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r.ok).toBe(true);
    expect(r.items.map((i: { id: string }) => i.id)).toEqual([
      'url',
      'credentials',
      'identity',
      'privileges',
      'change_tracking',
      'columns',
    ]);
    expect(r.items.every((i: { status: string }) => i.status === 'pass')).toBe(true);
  });

  it('fails the credentials with a hint after a wrong password is saved, and skips what depends on them', async () => {
    const saved = await c.send({
      method: 'PUT',
      url: '/api/connection',
      payload: body({ password: 'wrong password' }),
    });
    expect(saved.statusCode).toBe(200);
    const r = (await c.send({ method: 'POST', url: '/api/connection/validate' })).json();
    expect(r.ok).toBe(false);
    const credentials = r.items.find((i: { id: string }) => i.id === 'credentials');
    expect(credentials).toMatchObject({
      status: 'fail',
      hint: expect.stringMatching(/user name or password is wrong/),
    });
    expect(r.items.filter((i: { status: string }) => i.status === 'skipped')).toHaveLength(4);
  });

  it('keeps the stored password when the form leaves it empty', async () => {
    await c.send({ method: 'PUT', url: '/api/connection', payload: body({ password: SYNC_USER.password }) });
    const kept = await c.send({
      method: 'PUT',
      url: '/api/connection',
      payload: body({ tenant: 'contoso', password: '' }),
    });
    expect(kept.statusCode).toBe(200);
    expect(kept.json()).toMatchObject({ hasPassword: true, reset: false });
    expect((await c.send({ method: 'POST', url: '/api/connection/validate' })).json().ok).toBe(true);
  });

  it('answers 409 when no connection is stored', async () => {
    const empty = await openEmptyDeps();
    const e = await signedInClient(empty.deps);
    expect((await e.send({ url: '/api/connection' })).json()).toEqual({ configured: false });
    const res = await e.send({ method: 'POST', url: '/api/connection/validate' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('not_connected');
    await e.app.close();
    await empty.db.dispose();
  });
});

describe('PUT /api/connection', () => {
  it('refuses incomplete or malformed settings with 400', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [body({ orgUrl: 'not a url' }), 'invalid_org_url'],
      [body({ clientId: '' }), 'invalid_input'],
      [body({ username: 'someone.else@contoso.test', password: '' }), 'password_required'],
      [body({ username: '', clientSecret: '' }), 'client_secret_required'],
      [{ ...body(), extra: 1 }, 'invalid_input'],
    ];
    for (const [payload, code] of cases) {
      const res = await c.send({ method: 'PUT', url: '/api/connection', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe(code);
    }
  });

  it('refuses another organization once data has synced (409), and switches with reset, clearing the synced data', async () => {
    const other = body({ orgUrl: 'https://other.crm.dynamics.com', password: 'x' });
    const refused = await c.send({ method: 'PUT', url: '/api/connection', payload: other });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('connection_change_refused');
    const persons = async () => (await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM persons')).rows[0]!.n;
    expect(await persons()).toBeGreaterThan(0);

    const switched = await c.send({ method: 'PUT', url: '/api/connection', payload: { ...other, reset: true } });
    expect(switched.statusCode).toBe(200);
    expect(switched.json()).toMatchObject({ reset: true, orgUrl: 'https://other.crm.dynamics.com' });
    expect(await persons()).toBe(0);
  });
});
