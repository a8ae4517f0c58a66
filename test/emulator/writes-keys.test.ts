/** Creates with a client-chosen primary key, etags on writes, DELETE with a JSON content type. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC, startClient, type EmulatorClient, type Row } from './helpers/emulator-client.js';

let c: EmulatorClient;
beforeAll(async () => {
  c = await startClient({ seed: 'none' });
});
afterAll(() => c.close());

const lead = (extra: Row = {}): Row => ({
  subject: 'Interested',
  firstname: 'Ada',
  lastname: 'Lovelace',
  emailaddress1: 'ada@example.com',
  ...extra,
});

describe('POST with the primary key in the body', () => {
  it('creates the row under that id, stamped by the writing user', async () => {
    const id = randomUUID();
    const res = await c.send('POST', 'leads', lead({ leadid: id }));
    expect(res.status).toBe(204);
    expect(res.headers.get('odata-entityid')).toBe(`${c.api}leads(${id})`);
    const row = (await (
      await c.send('GET', `leads(${id})?$select=lastname,_createdby_value,_modifiedby_value`)
    ).json()) as Row;
    expect(row).toMatchObject({
      leadid: id,
      lastname: 'Lovelace',
      _createdby_value: c.userId(SYNC),
      _modifiedby_value: c.userId(SYNC),
    });
    expect(row['@odata.etag']).toMatch(/^W\/"\d+"$/);
  });

  it('answers a second create with the same id with the duplicate-key error and changes nothing', async () => {
    const id = randomUUID();
    expect((await c.send('POST', 'leads', lead({ leadid: id }))).status).toBe(204);
    const again = await c.send('POST', 'leads', lead({ leadid: id, lastname: 'Byron' }));
    expect(again.status).toBe(412);
    expect(await again.json()).toEqual({ error: { code: '0x80040237', message: 'Cannot insert duplicate key.' } });
    const row = (await (await c.send('GET', `leads(${id})?$select=lastname`)).json()) as Row;
    expect(row.lastname).toBe('Lovelace');
  });

  it('refuses a primary key that is not a GUID', async () => {
    const res = await c.send('POST', 'leads', lead({ leadid: 'not-a-guid' }));
    expect(res.status).toBe(400);
  });
});

describe('writes and etags', () => {
  it('PATCH with If-Match of the current version succeeds, with a stale one is 412 and changes nothing', async () => {
    const id = randomUUID();
    await c.send('POST', 'leads', lead({ leadid: id }));
    const etag = ((await (await c.send('GET', `leads(${id})?$select=lastname`)).json()) as Row)[
      '@odata.etag'
    ] as string;
    expect((await c.send('PATCH', `leads(${id})`, { jobtitle: 'Analyst' }, { 'If-Match': etag })).status).toBe(204);
    const stale = await c.send('PATCH', `leads(${id})`, { jobtitle: 'Engineer' }, { 'If-Match': etag });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe('0x80060882');
    const stale2 = await c.send('DELETE', `leads(${id})`, undefined, { 'If-Match': etag });
    expect(stale2.status).toBe(412);
    const row = (await (await c.send('GET', `leads(${id})?$select=jobtitle`)).json()) as Row;
    expect(row.jobtitle).toBe('Analyst');
    expect(row['@odata.etag']).not.toBe(etag);
  });

  it('If-None-Match: * creates through PATCH and refuses an existing row; If-Match: * never creates', async () => {
    const id = randomUUID();
    expect((await c.send('PATCH', `leads(${id})`, lead(), { 'If-Match': '*' })).status).toBe(404);
    expect((await c.send('PATCH', `leads(${id})`, lead(), { 'If-None-Match': '*' })).status).toBe(204);
    expect((await c.send('PATCH', `leads(${id})`, lead(), { 'If-None-Match': '*' })).status).toBe(412);
  });

  it('return=representation answers the row with its @odata.etag', async () => {
    const res = await c.send('POST', 'leads', lead(), { Prefer: 'return=representation' });
    expect(res.status).toBe(201);
    const row = (await res.json()) as Row;
    expect(row['@odata.etag']).toMatch(/^W\/"\d+"$/);
    expect(row._createdby_value).toBe(c.userId(SYNC));
  });

  it('DELETE with a JSON content type and no body answers 204, as Dataverse does', async () => {
    const id = randomUUID();
    await c.send('POST', 'leads', lead({ leadid: id }));
    const res = await c.send('DELETE', `leads(${id})`, undefined, { 'content-type': 'application/json' });
    expect(res.status).toBe(204);
    expect((await c.send('GET', `leads(${id})`)).status).toBe(404);
  });

  it('stamps _modifiedby_value with the user who wrote, and the delta shows it', async () => {
    const first = (await (
      await c.send('GET', 'leads?$select=lastname,_createdby_value,_modifiedby_value', undefined, {
        Prefer: 'odata.track-changes',
      })
    ).json()) as Row;
    const id = randomUUID();
    await c.send('POST', 'leads', lead({ leadid: id }));
    await c.send('PATCH', `leads(${id})`, { jobtitle: 'CTO' }, {}, 'rep@contoso.test');
    const delta = (await (await c.send('GET', first['@odata.deltaLink'] as string)).json()) as { value: Row[] };
    const changed = delta.value.find((r) => r.leadid === id)!;
    expect(changed._modifiedby_value).toBe(c.userId('rep@contoso.test'));
    expect(changed._createdby_value).toBe(c.userId(SYNC));
  });
});
