/**
 * Polymorphic lookups on custom tables, as Dataverse has them: a Customer column (account or
 * contact) and a multi-table Lookup. Metadata lists every target (Targets, one ManyToOne
 * relationship and one navigation property per target); writes name the target through the typed
 * navigation property; reads say which table a value points at only when the Prefer header asks for
 * the lookuplogicalname annotation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClient, type EmulatorClient, type Row } from './helpers/emulator-client.js';

let c: EmulatorClient;
let contact: string;
let account: string;
let lead: string;
beforeAll(async () => {
  c = await startClient({ seed: 'small', enableAdmin: true });
  contact = c.emu.ctx.data.ids('contact', 1)[0]!;
  account = c.emu.ctx.data.ids('account', 1)[0]!;
  lead = c.emu.ctx.data.ids('lead', 1)[0]!;
});
afterAll(() => c.close());

const adminPost = (path: string, body: unknown) =>
  fetch(`${c.emu.url}/_emulator${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const json = async (res: Response): Promise<Row> => {
  const body = (await res.json()) as Row;
  expect(res.status, JSON.stringify(body)).toBeLessThan(300);
  return body;
};
const get = async (path: string, headers: Record<string, string> = {}) =>
  json(await c.send('GET', path, undefined, headers));
const LOGICAL = 'Microsoft.Dynamics.CRM.lookuplogicalname';
const NAV = 'Microsoft.Dynamics.CRM.associatednavigationproperty';

describe('polymorphic lookups on custom tables', () => {
  it('describes a Customer column and a multi-table lookup with all their targets', async () => {
    const created = await json(
      await adminPost('/tables', {
        logicalName: 'new_ticket',
        columns: [
          { logicalName: 'new_customerid', type: 'Customer', displayName: 'Customer' },
          { logicalName: 'new_regardingid', type: 'Lookup', targets: ['contact', 'lead'] },
        ],
      }),
    );
    expect(created.logicalName).toBe('new_ticket');
    const lookups = (
      await get(
        "EntityDefinitions(LogicalName='new_ticket')/Attributes/Microsoft.Dynamics.CRM.LookupAttributeMetadata?$select=LogicalName,AttributeType,AttributeTypeName,Targets",
      )
    ).value as Row[];
    const by = new Map(lookups.map((a) => [a.LogicalName, a]));
    expect(by.get('new_customerid')).toMatchObject({
      AttributeType: 'Customer',
      AttributeTypeName: { Value: 'CustomerType' },
      Targets: ['account', 'contact'],
    });
    expect(by.get('new_regardingid')).toMatchObject({ AttributeType: 'Lookup', Targets: ['contact', 'lead'] });

    const rel = (
      await get(
        "EntityDefinitions(LogicalName='new_ticket')/ManyToOneRelationships?$select=ReferencingAttribute,ReferencedEntity,ReferencingEntityNavigationPropertyName",
      )
    ).value as Row[];
    const mine = rel
      .filter((r) => String(r.ReferencingAttribute).startsWith('new_'))
      .map((r) => [r.ReferencingAttribute, r.ReferencedEntity, r.ReferencingEntityNavigationPropertyName]);
    expect(mine.sort()).toEqual([
      ['new_customerid', 'account', 'new_customerid_account'],
      ['new_customerid', 'contact', 'new_customerid_contact'],
      ['new_regardingid', 'contact', 'new_regardingid_contact'],
      ['new_regardingid', 'lead', 'new_regardingid_lead'],
    ]);
    const csdl = await (await c.send('GET', '$metadata')).text();
    expect(csdl).toContain('NavigationProperty Name="new_customerid_contact"');
    expect(csdl).toContain('NavigationProperty Name="new_regardingid_lead"');
  });

  it('writes through the typed navigation property and names the table per row only when asked', async () => {
    const toContact = await c.send('POST', 'new_tickets', {
      new_name: 'to a contact',
      'new_customerid_contact@odata.bind': `/contacts(${contact})`,
      'new_regardingid_lead@odata.bind': `/leads(${lead})`,
    });
    expect(toContact.status).toBe(204);
    const toAccount = await c.send('POST', 'new_tickets', {
      new_name: 'to an account',
      'new_customerid_account@odata.bind': `/accounts(${account})`,
      'new_regardingid_contact@odata.bind': `/contacts(${contact})`,
    });
    expect(toAccount.status).toBe(204);
    // The untyped name is not a navigation property of a polymorphic lookup, as in Dataverse.
    const untyped = await c.send('POST', 'new_tickets', {
      new_name: 'untyped',
      'new_customerid@odata.bind': `/contacts(${contact})`,
    });
    expect(untyped.status).toBe(400);
    // An account is not a target of the regarding lookup.
    const wrong = await c.send('POST', 'new_tickets', {
      new_name: 'wrong',
      'new_regardingid_contact@odata.bind': `/accounts(${account})`,
    });
    expect(wrong.status).toBe(400);

    const query = 'new_tickets?$select=new_name,_new_customerid_value,_new_regardingid_value&$orderby=new_name';
    const plain = (await get(query)).value as Row[];
    expect(plain.map((r) => [r.new_name, r._new_customerid_value, r._new_regardingid_value])).toEqual([
      ['to a contact', contact, lead],
      ['to an account', account, contact],
    ]);
    expect(Object.keys(plain[0]!).some((k) => k.includes('@Microsoft.Dynamics.CRM'))).toBe(false);

    const annotated = (await get(query, { Prefer: `odata.include-annotations="${LOGICAL}"` })).value as Row[];
    expect(
      annotated.map((r) => [r[`_new_customerid_value@${LOGICAL}`], r[`_new_regardingid_value@${LOGICAL}`]]),
    ).toEqual([
      ['contact', 'lead'],
      ['account', 'contact'],
    ]);
    expect(annotated[0]![`_new_customerid_value@${NAV}`]).toBeUndefined();
    const all = (await get(query, { Prefer: 'odata.include-annotations="*"' })).value as Row[];
    expect(all.map((r) => [r[`_new_customerid_value@${NAV}`], r[`_new_regardingid_value@${NAV}`]])).toEqual([
      ['new_customerid_contact', 'new_regardingid_lead'],
      ['new_customerid_account', 'new_regardingid_contact'],
    ]);

    // Change tracking keeps the annotation on delta rows too.
    const first = await get(query.replace('&$orderby=new_name', ''), {
      Prefer: `odata.track-changes,odata.include-annotations="${LOGICAL}"`,
    });
    const id = (first.value as Row[]).find((r) => r.new_name === 'to a contact')!.new_ticketid as string;
    await c.send('PATCH', `new_tickets(${id})`, { 'new_customerid_account@odata.bind': `/accounts(${account})` });
    const delta = await get(first['@odata.deltaLink'] as string, {
      Prefer: `odata.include-annotations="${LOGICAL}"`,
    });
    expect(delta.value).toEqual([
      expect.objectContaining({
        new_ticketid: id,
        _new_customerid_value: account,
        [`_new_customerid_value@${LOGICAL}`]: 'account',
      }),
    ]);
  });

  it('a custom Customer column is referential: deleting its contact removes the link, not the row', async () => {
    const [other] = c.emu.ctx.data.ids('contact', 2).slice(1);
    const post = await c.send('POST', 'new_tickets', {
      new_name: 'orphaned',
      'new_customerid_contact@odata.bind': `/contacts(${other})`,
    });
    expect(post.status).toBe(204);
    expect((await c.send('DELETE', `contacts(${other})`)).status).toBe(204);
    const rows = (await get("new_tickets?$select=new_name,_new_customerid_value&$filter=new_name eq 'orphaned'"))
      .value as Row[];
    expect(rows).toEqual([expect.objectContaining({ new_name: 'orphaned', _new_customerid_value: null })]);
  });

  it('refuses a Customer column with other targets and a target listed twice', async () => {
    const bad = async (column: unknown, message: RegExp) => {
      const res = await adminPost('/tables', { logicalName: 'new_bad', columns: [column] });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
    };
    await bad({ logicalName: 'new_c', type: 'Customer', targets: ['lead'] }, /targets account and contact/);
    await bad({ logicalName: 'new_r', type: 'Lookup', targets: ['contact', 'contact'] }, /listed twice/);
  });
});
