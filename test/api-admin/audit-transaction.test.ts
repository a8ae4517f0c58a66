/**
 * The audit row is written in the change's own transaction: a change that fails writes no row, a
 * change that succeeds writes exactly one, and an audit row that cannot be written undoes the
 * change (the connection, the field selection, a company field, an API client). On PGlite, and on
 * PostgreSQL when DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertApiClient, listApiClients, revokeApiClient } from '../../src/store/api-clients.js';
import { peekConnection, saveConnection } from '../../src/store/connection-repo.js';
import { setCompanyFieldThroughPerson } from '../../src/sync/local-edits.js';
import { signedInClient, type AdminClient } from './client.js';
import { openSyncedFixture, SYNC_USER, type SyncedFixture } from './fixture.js';

let f: SyncedFixture;
let c: AdminClient;

beforeAll(async () => {
  f = await openSyncedFixture();
  c = await signedInClient(f.deps());
}, 120_000);
afterAll(async () => {
  await c?.app.close();
  await f?.close();
});

const rows = async (action: string) =>
  (
    await f.db.query<{ actor: string; target: string; details: Record<string, unknown> }>(
      'SELECT actor, target, details FROM audit_log WHERE action = $1 ORDER BY id',
      [action],
    )
  ).rows;

const refusedAudit = () => {
  throw new Error('the audit log cannot be written');
};

describe('API clients', () => {
  it('a create or revoke that fails writes no audit row; one that succeeds writes exactly one', async () => {
    const made = await c.send({ method: 'POST', url: '/api/api-clients', payload: { name: 'crm-export' } });
    expect(made.statusCode).toBe(200);
    expect(await rows('api_client.create')).toEqual([
      { actor: 'admin', target: 'crm-export', details: { clientId: made.json().client.clientId } },
    ]);
    const twice = await c.send({ method: 'POST', url: '/api/api-clients', payload: { name: 'crm-export' } });
    expect(twice.json().error.code).toBe('api_client_exists');
    expect(await rows('api_client.create')).toHaveLength(1);

    const unknown = await c.send({ method: 'POST', url: '/api/api-clients/no-such-client/revoke' });
    expect(unknown.statusCode).toBe(404);
    expect(await rows('api_client.revoke')).toEqual([]);
    const revoked = await c.send({ method: 'POST', url: `/api/api-clients/${made.json().client.clientId}/revoke` });
    expect(revoked.statusCode).toBe(200);
    expect(await rows('api_client.revoke')).toEqual([
      expect.objectContaining({ target: 'crm-export', details: { clientId: made.json().client.clientId } }),
    ]);
  });

  it('an audit row that cannot be written undoes the change', async () => {
    await expect(
      insertApiClient(f.db, { name: 'never-made', clientId: 'never-made-id', secretHash: 'x' }, refusedAudit),
    ).rejects.toThrow('the audit log cannot be written');
    expect((await listApiClients(f.db)).map((x) => x.name)).not.toContain('never-made');
    const kept = await insertApiClient(f.db, { name: 'kept', clientId: 'kept-id', secretHash: 'x' });
    await expect(revokeApiClient(f.db, 'kept-id', refusedAudit)).rejects.toThrow();
    expect((await listApiClients(f.db)).find((x) => x.id === kept.id)?.revokedAt).toBeNull();
  });
});

describe('the connection', () => {
  const body = (orgUrl: string) => ({
    orgUrl,
    username: SYNC_USER.username,
    clientId: SYNC_USER.clientId,
    tenant: SYNC_USER.tenant,
    authority: f.emulator.url,
  });

  it('a refused save (another organization over synced data) writes no row; a save writes one', async () => {
    const moved = await c.send({
      method: 'PUT',
      url: '/api/connection',
      payload: { ...body('https://other.crm.dynamics.com'), password: SYNC_USER.password },
    });
    expect(moved.statusCode).toBe(409);
    expect(await rows('connection.save')).toEqual([]);
    const saved = await c.send({ method: 'PUT', url: '/api/connection', payload: body(f.emulator.url) });
    expect(saved.statusCode).toBe(200);
    expect(await rows('connection.save')).toEqual([
      expect.objectContaining({ actor: 'admin', details: expect.objectContaining({ passwordChanged: false }) }),
    ]);
  });

  it('an audit row that cannot be written leaves the stored connection as it was', async () => {
    const before = await peekConnection(f.db, f.secretBox);
    await expect(
      saveConnection(
        f.db,
        f.secretBox,
        { ...body(f.emulator.url), authKind: 'password', clientId: 'another-app', secrets: {} },
        { audit: refusedAudit },
      ),
    ).rejects.toThrow('the audit log cannot be written');
    expect((await peekConnection(f.db, f.secretBox))?.clientId).toBe(before?.clientId);
  });
});

describe('the field selection', () => {
  it('a refused selection writes no row; a saved one writes exactly one', async () => {
    const bad = await c.send({ method: 'PUT', url: '/api/fields', payload: { entity: 'account', add: ['no_such'] } });
    expect(bad.statusCode).toBe(400);
    expect(await rows('fields.save')).toEqual([]);
    const ok = await c.send({ method: 'PUT', url: '/api/fields', payload: { entity: 'account', add: ['fax'] } });
    expect(ok.statusCode).toBe(200);
    expect(await rows('fields.save')).toEqual([
      expect.objectContaining({ target: 'account', details: { add: ['fax'], remove: [], defaults: false } }),
    ]);
  });
});

describe('a company field', () => {
  it('an edit that fails inside its transaction writes no row; one that succeeds writes one', async () => {
    const noCompany = (
      await f.db.query<{ id: number }>('SELECT id FROM persons WHERE account_dynamics_id IS NULL ORDER BY id LIMIT 1')
    ).rows[0]!.id;
    const refused = await c.send({
      method: 'PUT',
      url: `/api/people/${noCompany}/company-field`,
      payload: { field: 'billingCity', value: 'Porto' },
    });
    expect(refused.json().error.code).toBe('no_company');
    expect(await rows('company_field.set')).toEqual([]);

    const person = (
      await f.db.query<{ id: number }>(
        'SELECT id FROM persons WHERE account_dynamics_id IS NOT NULL ORDER BY id LIMIT 1',
      )
    ).rows[0]!.id;
    const done = await c.send({
      method: 'PUT',
      url: `/api/people/${person}/company-field`,
      payload: { field: 'billingCity', value: 'Porto' },
    });
    expect(done.statusCode).toBe(200);
    expect(await rows('company_field.set')).toEqual([
      expect.objectContaining({
        target: `company ${done.json().companyId}`,
        details: expect.objectContaining({ newValue: 'Porto' }),
      }),
    ]);

    // The audit write failing undoes the edit: the company keeps Porto.
    await expect(
      setCompanyFieldThroughPerson(f.db, Number(person), 'billingCity', 'Faro', refusedAudit),
    ).rejects.toThrow();
    const city = (await c.send({ url: `/api/people/${person}` }))
      .json()
      .companyFields.find((x: { name: string }) => x.name === 'billingCity').value;
    expect(city).toBe('Porto');
  });
});
