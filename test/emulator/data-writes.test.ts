import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataPlaneServer, type TestServer } from './helpers/data-plane-server.js';

type Row = Record<string, unknown>;
let s: TestServer;
let accountId: string;
beforeAll(async () => {
  s = await startDataPlaneServer({ seed: 'none' });
  accountId = s.data.create(s.principal(), 'account', { name: 'Parent Co' });
});
afterAll(() => s.close());

const post = (set: string, body: unknown, headers: Record<string, string> = {}) => s.send('POST', set, body, headers);
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
const getRow = async (path: string): Promise<Row> => (await (await s.get(path)).json()) as Row;

describe('create', () => {
  it('POST answers 204 with OData-EntityId, or 201 with the row for return=representation', async () => {
    const res = await post('accounts', { name: 'Plain' });
    expect(res.status).toBe(204);
    const entityId = res.headers.get('odata-entityid')!;
    expect(entityId).toMatch(new RegExp(`^${s.api.replace(/[.?]/g, '\\$&')}accounts\\([0-9a-f-]{36}\\)$`));

    const rep = await post(
      'accounts?$select=name,industrycode',
      { name: 'Shown', industrycode: 33 },
      { Prefer: 'return=representation' },
    );
    expect(rep.status).toBe(201);
    const row = (await rep.json()) as Row;
    expect(row['@odata.context']).toBe(`${s.api}$metadata#accounts(name,industrycode)/$entity`);
    expect(row).toMatchObject({ name: 'Shown', industrycode: 33 });
    expect(row['@odata.etag']).toMatch(/^W\/"\d+"$/);
  });

  it('sets server columns: created/modified on and by, owner, state, status, version; ignores read-only input', async () => {
    const rep = s.principal('rep@contoso.test');
    const res = await s.send(
      'POST',
      'contacts',
      { firstname: 'Ann', lastname: 'Lee', createdon: '2001-01-01T00:00:00Z', versionnumber: 5, fullname: 'Nope' },
      { Prefer: 'return=representation' },
      rep.name,
    );
    const row = (await res.json()) as Row;
    expect(row).toMatchObject({
      fullname: 'Ann Lee',
      statecode: 0,
      statuscode: 1,
      _createdby_value: rep.userId,
      _modifiedby_value: rep.userId,
      _ownerid_value: rep.userId,
    });
    expect(row.createdon).not.toBe('2001-01-01T00:00:00Z');
    expect(Math.abs(Date.parse(row.createdon as string) - s.clock.now())).toBeLessThan(5000);
    expect(row.versionnumber).toBeGreaterThan(5);
  });

  it('binds lookups with @odata.bind (customer, owner, plain lookup) and reads them back as _x_value', async () => {
    const res = await post('contacts', {
      lastname: 'Bound',
      'parentcustomerid_account@odata.bind': `/accounts(${accountId})`,
      'ownerid@odata.bind': `/systemusers(${s.principal('rep@contoso.test').userId})`,
    });
    const id = /\(([^)]+)\)$/.exec(res.headers.get('odata-entityid')!)![1]!;
    const row = await getRow(`contacts(${id})?$select=_parentcustomerid_value,_ownerid_value`);
    expect(row._parentcustomerid_value).toBe(accountId);
    expect(row._ownerid_value).toBe(s.principal('rep@contoso.test').userId);
    const child = await post('contacts', {
      lastname: 'Child',
      'parentcustomerid_contact@odata.bind': `contacts(${id})`,
    });
    expect(child.status).toBe(204);
    const acc = await post('accounts', { name: 'Sub', 'parentaccountid@odata.bind': `/accounts(${accountId})` });
    expect(acc.status).toBe(204);
  });
});

describe('validation', () => {
  it('refuses strings over MaxLength with 0x80044331', async () => {
    const res = await post('accounts', { name: 'x'.repeat(161) });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toEqual({
      code: '0x80044331',
      message:
        "A validation error occurred. The length of the 'name' attribute of the 'account' entity exceeded the maximum allowed length of '160'.",
    });
  });

  it('requires ApplicationRequired columns on create only', async () => {
    const res = await post('contacts', { firstname: 'No last name' });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toContain("'lastname'");
    const id = s.data.create(s.principal(), 'contact', { lastname: 'Has one' });
    expect((await s.send('PATCH', `contacts(${id})`, { firstname: 'Still fine' })).status).toBe(204);
  });

  it('refuses option values outside the option set and numbers out of range', async () => {
    const pick = await post('accounts', { name: 'x', industrycode: 99 });
    expect(pick.status).toBe(400);
    expect((await errorOf(pick)).message).toContain(
      "The value 99 of 'industrycode' on record of type 'account' is outside the valid range",
    );
    const range = await post('accounts', { name: 'x', numberofemployees: -1 });
    expect(range.status).toBe(400);
  });

  it('refuses wrong JSON types, unknown properties and _x_value writes', async () => {
    expect((await errorOf(await post('accounts', { name: 'x', numberofemployees: '12' }))).message).toBe(
      "Cannot convert the literal '12' to the expected type 'Edm.Int32'.",
    );
    expect((await errorOf(await post('accounts', { name: 7 }))).message).toContain("'Edm.String'");
    expect((await errorOf(await post('accounts', { name: 'x', donotemail: 'yes' }))).message).toContain(
      "'Edm.Boolean'",
    );
    const unknown = await errorOf(await post('accounts', { name: 'x', new_tier: 'gold' }));
    expect(unknown.message).toMatch(
      /^The property 'new_tier' does not exist on type 'Microsoft\.Dynamics\.CRM\.account'/,
    );
    const direct = await post('contacts', { lastname: 'x', _parentcustomerid_value: accountId });
    expect(direct.status).toBe(400);
    expect((await errorOf(direct)).message).toContain('Use Navigation properties instead');
  });

  it('answers 404 for a bind to a missing row and 400 for a bind of the wrong table', async () => {
    const missing = await post('contacts', {
      lastname: 'x',
      'parentcustomerid_account@odata.bind': '/accounts(00000000-0000-4000-8000-00000000dead)',
    });
    expect(missing.status).toBe(404);
    expect(await errorOf(missing)).toEqual({
      code: '0x80040217',
      message: 'account With Id = 00000000-0000-4000-8000-00000000dead Does Not Exist',
    });
    const wrong = await post('contacts', {
      lastname: 'x',
      'parentcustomerid_account@odata.bind': `/contacts(${accountId})`,
    });
    expect(wrong.status).toBe(400);
    expect((await post('contacts', { lastname: 'x', 'nosuchnav@odata.bind': `/accounts(${accountId})` })).status).toBe(
      400,
    );
  });
});

describe('update and delete', () => {
  it('PATCH updates, bumps the version and answers 204; If-Match: * on a missing id is 404, otherwise upsert', async () => {
    const id = s.data.create(s.principal(), 'account', { name: 'Before' });
    const before = await getRow(`accounts(${id})?$select=name`);
    const res = await s.send('PATCH', `accounts(${id})`, { name: 'After' }, {}, 'rep@contoso.test');
    expect(res.status).toBe(204);
    const after = await getRow(`accounts(${id})?$select=name,_modifiedby_value`);
    expect(after.name).toBe('After');
    expect(after._modifiedby_value).toBe(s.principal('rep@contoso.test').userId);
    expect(after['@odata.etag']).not.toBe(before['@odata.etag']);

    const ghost = '11111111-2222-4333-8444-555555555555';
    expect((await s.send('PATCH', `accounts(${ghost})`, { name: 'Nope' }, { 'If-Match': '*' })).status).toBe(404);
    expect((await s.send('PATCH', `accounts(${ghost})`, { name: 'Upserted' })).status).toBe(204);
    expect((await getRow(`accounts(${ghost})?$select=name`)).name).toBe('Upserted');
  });

  it('honours etags: a stale If-Match is 412', async () => {
    const id = s.data.create(s.principal(), 'account', { name: 'Etag' });
    const { '@odata.etag': etag } = await getRow(`accounts(${id})?$select=name`);
    s.data.update(s.principal(), 'account', id, { name: 'Changed' });
    const res = await s.send('PATCH', `accounts(${id})`, { name: 'Mine' }, { 'If-Match': etag as string });
    expect(res.status).toBe(412);
  });

  it('DELETE answers 204, then 404; deleting an account deletes its contacts (parental)', async () => {
    const acc = s.data.create(s.principal(), 'account', { name: 'Doomed' });
    const contact = s.data.create(s.principal(), 'contact', {
      lastname: 'Child',
      'parentcustomerid_account@odata.bind': `/accounts(${acc})`,
    });
    const sub = s.data.create(s.principal(), 'account', {
      name: 'Sub',
      'parentaccountid@odata.bind': `/accounts(${acc})`,
    });
    expect((await s.send('DELETE', `accounts(${acc})`)).status).toBe(204);
    expect((await s.send('DELETE', `accounts(${acc})`)).status).toBe(404);
    expect((await s.get(`contacts(${contact})`)).status).toBe(404);
    expect((await getRow(`accounts(${sub})?$select=_parentaccountid_value`))._parentaccountid_value).toBeNull();
  });

  it('refuses writes without the privilege (403) through the security service', async () => {
    const res = await s.send('POST', 'accounts', { name: 'x' }, {}, 'limited@contoso.test');
    expect(res.status).toBe(403);
  });

  it('corrupt() stores an invalid value that is served as-is and shows up as a change', async () => {
    const id = s.data.create(s.principal(), 'account', { name: 'Corrupt me' });
    s.data.corrupt('account', id, 'numberofemployees', 'lots');
    s.data.corrupt('account', id, 'name', 'y'.repeat(400));
    const row = await getRow(`accounts(${id})?$select=name,numberofemployees`);
    expect(row.numberofemployees).toBe('lots');
    expect((row.name as string).length).toBe(400);
  });
});
