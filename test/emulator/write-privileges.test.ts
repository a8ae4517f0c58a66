/** Table write/create privileges and column-security create/update rights, as Dataverse enforces them. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC, startClient, type EmulatorClient, type Row } from './helpers/emulator-client.js';

const LIMITED = 'limited@contoso.test';
let c: EmulatorClient;
beforeAll(async () => {
  c = await startClient({ seed: 10, enableAdmin: true });
});
afterAll(() => c.close());

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
const json = async (path: string, user = SYNC): Promise<Row> =>
  (await (await c.send('GET', path, undefined, {}, user)).json()) as Row;

describe('table privileges', () => {
  it('limited@contoso.test cannot create, update or delete leads: 403 with the PrivilegeDenied shape', async () => {
    const create = await c.send('POST', 'leads', { subject: 's', lastname: 'L' }, {}, LIMITED);
    expect(create.status).toBe(403);
    const err = await errorOf(create);
    expect(err.code).toBe('0x80040220');
    expect(err.message).toMatch(/is missing prvCreateLead privilege \(Id=[0-9a-f-]{36}\) on OTC=4 for entity 'lead'/);
    const id = c.emu.ctx.data.ids('lead', 1)[0]!;
    const update = await c.send('PATCH', `leads(${id})`, { jobtitle: 'x' }, { 'If-Match': '*' }, LIMITED);
    expect(update.status).toBe(403);
    expect((await errorOf(update)).message).toMatch(/missing prvWriteLead privilege/);
    expect((await c.send('DELETE', `leads(${id})`, undefined, {}, LIMITED)).status).toBe(403);
  });

  it('RetrieveUserPrivileges lists prvWriteLead/prvCreateLead for the sync user and not for limited', async () => {
    const names = async (user: string) =>
      (
        (await json(`systemusers(${c.userId(user)})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`))
          .RolePrivileges as Row[]
      ).map((p) => p.PrivilegeName);
    const sync = await names(SYNC);
    expect(sync).toEqual(
      expect.arrayContaining(['prvWriteLead', 'prvCreateLead', 'prvWriteContact', 'prvCreateContact']),
    );
    const limited = await names(LIMITED);
    expect(limited).not.toContain('prvWriteLead');
    expect(limited).not.toContain('prvCreateLead');
    expect(limited).toContain('prvWriteContact');
  });

  it('a privilege changed through the admin API applies at once', async () => {
    c.admin.setTablePrivileges(SYNC, 'contact', { write: false });
    const id = c.emu.ctx.data.ids('contact', 1)[0]!;
    expect((await c.send('PATCH', `contacts(${id})`, { jobtitle: 'x' }, { 'If-Match': '*' })).status).toBe(403);
    c.admin.setTablePrivileges(SYNC, 'contact', { write: true });
    expect((await c.send('PATCH', `contacts(${id})`, { jobtitle: 'x' }, { 'If-Match': '*' })).status).toBe(204);
  });
});

describe('column security on writes', () => {
  it('RetrievePrincipalAttributePrivileges reports CanRead, CanCreate and CanUpdate separately', async () => {
    c.admin.setSecuredColumn(SYNC, 'contact', 'birthdate', { update: false });
    const privileges = (
      await json(`systemusers(${c.userId(SYNC)})/Microsoft.Dynamics.CRM.RetrievePrincipalAttributePrivileges()`)
    ).AttributePrivileges as Row[];
    const birthdate = c.emu.ctx.schema.table('contact')!.columns.get('birthdate')!.metadataId;
    expect(privileges.find((p) => p.AttributeId === birthdate)).toMatchObject({
      CanRead: 4,
      CanCreate: 4,
      CanUpdate: 0,
    });
    c.admin.setSecuredColumn(SYNC, 'contact', 'birthdate', { update: true });
  });

  it('refuses an update of a secured column without CanUpdate and a create without CanCreate; other columns go through', async () => {
    const id = c.emu.ctx.data.ids('contact', 1)[0]!;
    c.admin.setSecuredColumn(SYNC, 'contact', 'birthdate', { update: false, create: false });
    const update = await c.send('PATCH', `contacts(${id})`, { birthdate: '1990-01-02' }, { 'If-Match': '*' });
    expect(update.status).toBe(403);
    expect((await errorOf(update)).code).toBe('0x8004F507');
    const create = await c.send('POST', 'contacts', {
      lastname: 'New',
      birthdate: '1990-01-02',
      contactid: randomUUID(),
    });
    expect(create.status).toBe(403);
    expect((await errorOf(create)).code).toBe('0x8004F502');
    expect((await c.send('PATCH', `contacts(${id})`, { jobtitle: 'Fine' }, { 'If-Match': '*' })).status).toBe(204);
    c.admin.setSecuredColumn(SYNC, 'contact', 'birthdate', { update: true, create: true });
    expect((await c.send('PATCH', `contacts(${id})`, { birthdate: '1990-01-02' }, { 'If-Match': '*' })).status).toBe(
      204,
    );
  });

  it('the admin HTTP API sets the three rights', async () => {
    const res = await fetch(`${c.emu.url}/_emulator/users/${SYNC}/secured-columns/account/revenue`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ update: false }),
    });
    expect(res.status).toBe(204);
    const id = c.emu.ctx.data.ids('account', 1)[0]!;
    expect((await c.send('PATCH', `accounts(${id})`, { revenue: 5 }, { 'If-Match': '*' })).status).toBe(403);
    expect((await json(`accounts(${id})?$select=revenue`)).revenue).not.toBeNull();
  });
});

describe('IsValidForCreate / IsValidForUpdate', () => {
  it('are false for system columns and true for ordinary ones', async () => {
    const attrs = (
      await json(
        "EntityDefinitions(LogicalName='lead')/Attributes?$select=LogicalName,IsValidForCreate,IsValidForUpdate",
      )
    ).value as Row[];
    const by = new Map(attrs.map((a) => [a.LogicalName, a]));
    for (const n of ['versionnumber', 'createdon', 'modifiedon', 'createdby', 'modifiedby', 'fullname']) {
      expect(by.get(n), n).toMatchObject({ IsValidForCreate: false, IsValidForUpdate: false });
    }
    expect(by.get('leadid')).toMatchObject({ IsValidForCreate: true, IsValidForUpdate: false });
    expect(by.get('overriddencreatedon')).toMatchObject({ IsValidForCreate: true, IsValidForUpdate: false });
    for (const n of ['firstname', 'lastname', 'emailaddress1', 'companyname', 'statecode']) {
      expect(by.get(n), n).toMatchObject({ IsValidForCreate: true, IsValidForUpdate: true });
    }
    const startsWith = (
      await json(
        "EntityDefinitions(LogicalName='lead')/Attributes?$select=LogicalName&$filter=startswith(LogicalName,'address1_')",
      )
    ).value as Row[];
    expect(startsWith.length).toBe(7);
  });
});
