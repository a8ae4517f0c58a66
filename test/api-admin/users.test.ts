/**
 * Named admin users: an invite link accepted once, two roles enforced by the guard for every
 * change (a viewer reads, and gets 403 on each mutating route), removal ending the user's
 * sessions, the audit log of who changed what (JSON and CSV), and the migration of a
 * single-password install to the named user `admin` (its sessions kept).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/api/admin/password.js';
import { ADMIN_PASSWORD, ORIGIN, sessionCookieOf, signedInClient, type AdminClient } from './client.js';
import { openEmptyDeps } from './fixture.js';
import type { ApiDeps } from '../../src/api/deps.js';
import type { TestDb } from '../helpers/db.js';
import { SessionStore } from '../../src/api/admin/session.js';

let deps: ApiDeps;
let db: TestDb;
let admin: AdminClient;

beforeAll(async () => {
  ({ deps, db } = await openEmptyDeps());
  admin = await signedInClient(deps);
});
afterAll(async () => {
  await admin?.app.close();
  await db?.dispose();
});

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

async function acceptAs(link: string, password: string) {
  const res = await admin.app.inject({
    method: 'POST',
    url: '/api/invite/accept',
    payload: { token: tokenOf(link), password },
  });
  return res;
}

function as(cookie: string, csrf: string) {
  return (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    admin.app.inject({
      method,
      url,
      headers: { cookie, ...(method !== 'GET' ? { 'x-csrf-token': csrf, origin: ORIGIN } : {}) },
      ...(payload ? { payload } : {}),
    });
}

describe('invites and roles', () => {
  let viewer: ReturnType<typeof as>;
  let viewerId: number;

  it('an admin invites a viewer; the link sets their password once and signs them in', async () => {
    const res = await admin.send({
      method: 'POST',
      url: '/api/users/invite',
      payload: { email: 'Vi@Example.com', role: 'viewer' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const { link, user } = res.json() as { link: string; user: { id: number; email: string; status: string } };
    expect(user).toMatchObject({ email: 'vi@example.com', status: 'invited' });
    viewerId = user.id;
    const stored = await db.query<{ token_hash: string }>('SELECT token_hash FROM admin_invites');
    expect(stored.rows[0]!.token_hash).not.toBe(tokenOf(link)); // hashed at rest

    const accepted = await acceptAs(link, 'viewer password 1');
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().user).toMatchObject({ email: 'vi@example.com', role: 'viewer' });
    viewer = as(sessionCookieOf(accepted), accepted.json().csrfToken);
    expect((await acceptAs(link, 'another password')).statusCode).toBe(401); // once only

    const login = await admin.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: 'VI@example.com', password: 'viewer password 1' },
    });
    expect(login.statusCode).toBe(200);
    const wrong = await admin.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: 'nobody@example.com', password: 'x' },
    });
    expect(wrong.statusCode).toBe(401);
  });

  it('an expired link is refused', async () => {
    const res = await admin.send({
      method: 'POST',
      url: '/api/users/invite',
      payload: { email: 'late@example.com', role: 'admin' },
    });
    await db.query(`UPDATE admin_invites SET expires_at = now() - interval '1 minute' WHERE used_at IS NULL`);
    const r = await acceptAs(res.json().link, 'a fine password');
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('invite_invalid');
  });

  it('a viewer reads every page API but every change answers 403, whichever the route', async () => {
    for (const url of [
      '/api/status',
      '/api/people',
      '/api/companies',
      '/api/api-clients',
      '/api/users',
      '/api/audit',
      '/api/fields?entity=account',
    ])
      expect((await viewer('GET', url)).statusCode, url).not.toBe(403);
    const changes: ['POST' | 'PUT' | 'DELETE', string, object?][] = [
      ['PUT', '/api/connection', { orgUrl: 'https://x.crm.dynamics.com', clientId: 'a' }],
      ['PUT', '/api/fields', { entity: 'account', defaults: true }],
      ['PUT', '/api/people/1/company-field', { field: 'billingCity', value: 'X' }],
      ['POST', '/api/api-clients', { name: 'nope' }],
      ['POST', '/api/api-clients/x/revoke'],
      ['POST', '/api/users/invite', { email: 'x@example.com', role: 'admin' }],
      ['DELETE', `/api/users/${viewerId}`],
      ['POST', '/api/sync-now'],
      ['POST', '/api/sync-errors/1/retry'],
      ['POST', '/api/connection/validate'],
    ];
    for (const [method, url, body] of changes) {
      const r = await viewer(method, url, body);
      expect(r.statusCode, `${method} ${url}`).toBe(403);
      expect(r.json().error.code).toBe('read_only_role');
    }
    expect((await db.query('SELECT 1 FROM api_clients')).rows).toHaveLength(0);
    const session = (await viewer('GET', '/api/session')).json();
    expect(session.user).toMatchObject({ email: 'vi@example.com', role: 'viewer' });
  });

  it('removing a user ends their sessions; the last admin cannot be removed', async () => {
    expect((await admin.send({ method: 'DELETE', url: `/api/users/${viewerId}` })).statusCode).toBe(200);
    expect((await viewer('GET', '/api/people')).statusCode).toBe(401);
    const me = (await admin.send({ url: '/api/users' })).json().me as { id: number };
    const last = await admin.send({ method: 'DELETE', url: `/api/users/${me.id}` });
    expect(last.statusCode).toBe(400);
    expect(last.json().error.code).toBe('last_admin');
  });

  it('the audit log says who did what, newest first, and exports CSV', async () => {
    await admin.send({ method: 'POST', url: '/api/api-clients', payload: { name: 'audited' } });
    const page = (await admin.send({ url: '/api/audit' })).json() as {
      items: { actor: string; action: string; target: string }[];
      total: number;
    };
    expect(page.items.map((e) => [e.actor, e.action, e.target])).toEqual([
      ['admin', 'api_client.create', 'audited'],
      ['admin', 'user.remove', 'vi@example.com'],
      ['admin', 'user.invite', 'late@example.com'],
      ['vi@example.com', 'user.accept', 'vi@example.com'],
      ['admin', 'user.invite', 'vi@example.com'],
    ]);
    const csv = await admin.send({ url: '/api/audit.csv' });
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines).toHaveLength(page.total + 1);
    expect(lines[1]).toContain('"api_client.create"');
  });
});

describe('a single-password install', () => {
  it('becomes the named admin user `admin`: same password, sessions kept', async () => {
    const { db: old } = await openEmptyDeps();
    try {
      // The state before migration 0013: the hash in settings, sessions without a user.
      const hash = await hashPassword(ADMIN_PASSWORD);
      await old.query(`INSERT INTO settings (key, value) VALUES ('admin_password', $1::jsonb)`, [JSON.stringify(hash)]);
      const store = new SessionStore(old);
      await old.query(`INSERT INTO admin_users (email, role) VALUES ('tmp', 'admin')`);
      const tmp = (await old.query<{ id: number }>(`SELECT id::int FROM admin_users`)).rows[0]!.id;
      const s = await store.create({ id: tmp, email: 'tmp', role: 'admin' });
      await old.query(`UPDATE admin_sessions SET user_id = NULL`);
      await old.query(`DELETE FROM admin_users`);

      const sql = readFileSync(new URL('../../src/store/migrations/0013_admin_users.sql', import.meta.url), 'utf8');
      const handWritten = sql.slice(sql.indexOf('-- Hand-written'));
      for (const statement of handWritten.split('--> statement-breakpoint')) {
        const text = statement.replace(/^--.*$/gm, '').trim();
        if (text) await old.query(text);
      }
      expect((await old.query(`SELECT 1 FROM settings WHERE key = 'admin_password'`)).rows).toHaveLength(0);
      expect(await store.touch(s.id)).toMatchObject({ user: { email: 'admin', role: 'admin' } });
      const c = await signedInClient({ ...(await openEmptyDeps()).deps, db: old });
      expect((await c.send({ url: '/api/session' })).json().user).toMatchObject({ email: 'admin', role: 'admin' });
      await c.app.close();
    } finally {
      await old.dispose();
    }
  });
});
