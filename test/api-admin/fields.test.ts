/** GET/PUT /api/fields: availability per column, the default mapping, saving a selection. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import { signedInClient, type AdminClient } from './client.js';
import { newClient, tokenFor } from '../api/fixture.js';
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

interface Field {
  logicalName: string;
  availability: string;
  selected: boolean;
  isDefault: boolean;
  localName: string | null;
  write: { note: string | null };
}
const field = (fields: Field[], name: string) => fields.find((x) => x.logicalName === name)!;

describe('GET /api/fields', () => {
  it('lists every column of a table with availability, default mapping and selection', async () => {
    const res = await c.send({ url: '/api/fields?entity=account' });
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({
      entity: 'account',
      entities: ['account', 'contact', 'lead', 'systemuser', 'opportunity'],
      catalogLoaded: true,
    });
    expect(field(r.fields, 'address1_city')).toMatchObject({
      availability: 'readable',
      selected: true,
      isDefault: true,
      localName: 'billingCity',
    });
    expect(field(r.fields, 'fax')).toMatchObject({
      availability: 'readable',
      selected: false,
      isDefault: false,
      localName: null,
    });
    expect((await c.send({ url: '/api/fields?entity=contact' })).json().fields.length).toBeGreaterThan(20);
  });

  it('marks a selected person column the sync user may not write, and says account flags are informational', async () => {
    createAdmin(f.emulator.ctx).setTablePrivileges(SYNC_USER.username, 'contact', { write: false });
    try {
      const r = (
        await c.send({ method: 'PUT', url: '/api/fields', payload: { entity: 'contact', add: ['createdon'] } })
      ).json();
      expect(field(r.fields, 'firstname')).toMatchObject({
        selected: true,
        write: {
          canUpdate: false,
          updateDenied: 'no_write_privilege',
          note: 'read-only in Dynamics: the sync user has no write privilege on the table',
        },
      });
      // Not selected: no note, though the flags are there.
      expect(field(r.fields, 'department')).toMatchObject({ selected: false, write: { canUpdate: false, note: null } });
      const accounts = (await c.send({ url: '/api/fields?entity=account' })).json();
      expect(accounts.written).toBe(false);
      expect(field(accounts.fields, 'name')).toMatchObject({ write: { canUpdate: true, note: null } });
    } finally {
      createAdmin(f.emulator.ctx).setTablePrivileges(SYNC_USER.username, 'contact', { write: true });
      await c.send({ method: 'PUT', url: '/api/fields', payload: { entity: 'contact', remove: ['createdon'] } });
    }
  });

  it('refuses an unknown table with 400', async () => {
    for (const url of ['/api/fields', '/api/fields?entity=invoice']) {
      const res = await c.send({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('invalid_input');
    }
  });
});

describe('PUT /api/fields', () => {
  it('saves the wanted selection: adds and removes columns', async () => {
    const before = (await c.send({ url: '/api/fields?entity=account' })).json().fields as Field[];
    const selected = before.filter((x) => x.selected && x.logicalName !== 'websiteurl').map((x) => x.logicalName);
    const res = await c.send({
      method: 'PUT',
      url: '/api/fields',
      payload: { entity: 'account', selected: [...selected, 'fax'] },
    });
    expect(res.statusCode).toBe(200);
    const after = res.json().fields as Field[];
    expect(field(after, 'fax')).toMatchObject({ selected: true, localName: 'fax' });
    expect(field(after, 'websiteurl').selected).toBe(false);
    expect(field((await c.send({ url: '/api/fields?entity=account' })).json().fields, 'fax').selected).toBe(true);
  });

  it('a saved selection shows in the REST API at once, though the API caches its field list', async () => {
    const token = await tokenFor(c.app, await newClient(f.db));
    const describe = async () => {
      const res = await c.app.inject({
        url: '/rest/v1/leads/describe.json',
        headers: { authorization: `Bearer ${token}` },
      });
      return (res.json().result as { rest: { name: string } }[]).map((x) => x.rest.name);
    };
    expect(await describe()).not.toContain('tickerSymbol');
    expect(
      // A full re-read, not a quick sync: a field queued for a quick sync cannot be deselected until it ends.
      (
        await c.send({
          method: 'PUT',
          url: '/api/fields',
          payload: { entity: 'account', add: ['tickersymbol'], refresh: 'full' },
        })
      ).statusCode,
    ).toBe(200);
    const local = field((await c.send({ url: '/api/fields?entity=account' })).json().fields, 'tickersymbol').localName!;
    expect(await describe()).toContain(local);
    const removed = await c.send({
      method: 'PUT',
      url: '/api/fields',
      payload: { entity: 'account', remove: ['tickersymbol'] },
    });
    expect(removed.statusCode).toBe(200);
    expect(await describe()).not.toContain(local);
  });

  it('refuses unknown columns and columns the sync user cannot read, with 400', async () => {
    const unknown = await c.send({
      method: 'PUT',
      url: '/api/fields',
      payload: { entity: 'account', add: ['no_such_column'] },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({
      code: 'field_not_selectable',
      message: expect.stringContaining('does not exist'),
    });

    // limited@contoso.test has no field security profile: the secured revenue column is unreadable to it.
    await c.send({
      method: 'PUT',
      url: '/api/connection',
      payload: {
        orgUrl: f.emulator.url,
        username: 'limited@contoso.test',
        password: SYNC_USER.password,
        clientId: SYNC_USER.clientId,
        tenant: SYNC_USER.tenant,
        authority: f.emulator.url,
      },
    });
    const refused = await c.send({
      method: 'PUT',
      url: '/api/fields',
      payload: { entity: 'account', add: ['creditlimit'] },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('account.creditlimit cannot be selected (secured unreadable)');
    const listed = (
      await c.send({ method: 'PUT', url: '/api/fields', payload: { entity: 'account', remove: ['revenue'] } })
    ).json();
    expect(field(listed.fields, 'revenue')).toMatchObject({ availability: 'secured_unreadable', selected: false });

    const bad = await c.send({ method: 'PUT', url: '/api/fields', payload: { entity: 'account', add: 'fax' } });
    expect(bad.statusCode).toBe(400);
  });

  it('answers 409 when no connection is stored', async () => {
    const empty = await openEmptyDeps();
    const e = await signedInClient(empty.deps);
    expect((await e.send({ url: '/api/fields?entity=account' })).json()).toMatchObject({
      catalogLoaded: false,
      fields: [],
    });
    const res = await e.send({ method: 'PUT', url: '/api/fields', payload: { entity: 'account', defaults: true } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('not_connected');
    await e.app.close();
    await empty.db.dispose();
  });
});
