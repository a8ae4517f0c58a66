import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClient, SYNC, type EmulatorClient, type Row } from './helpers/emulator-client.js';

let c: EmulatorClient;
beforeAll(async () => {
  c = await startClient({ seed: 'small', enableAdmin: true });
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

describe('custom tables added through the admin API', () => {
  it('creates a table with a lookup to contact, served with full metadata', async () => {
    const created = await json(
      await adminPost('/tables', {
        logicalName: 'new_visit',
        displayName: 'Visit',
        columns: [
          { logicalName: 'new_contactid', type: 'Lookup', targets: ['contact'] },
          { logicalName: 'new_duration', type: 'Integer' },
        ],
      }),
    );
    expect(created).toMatchObject({
      logicalName: 'new_visit',
      entitySetName: 'new_visits',
      primaryIdAttribute: 'new_visitid',
    });

    const def = await get(
      "EntityDefinitions(LogicalName='new_visit')?$select=LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,ChangeTrackingEnabled,IsCustomEntity",
    );
    expect(def).toMatchObject({
      LogicalName: 'new_visit',
      EntitySetName: 'new_visits',
      PrimaryIdAttribute: 'new_visitid',
      PrimaryNameAttribute: 'new_name',
      ChangeTrackingEnabled: true,
      IsCustomEntity: true,
    });
    const customs = (await get('EntityDefinitions?$select=LogicalName&$filter=IsCustomEntity eq true')).value as Row[];
    expect(customs.map((e) => e.LogicalName)).toEqual(['new_visit']);

    const lookups = (
      await get(
        "EntityDefinitions(LogicalName='new_visit')/Attributes/Microsoft.Dynamics.CRM.LookupAttributeMetadata?$select=LogicalName,Targets",
      )
    ).value as Row[];
    expect(lookups.find((a) => a.LogicalName === 'new_contactid')?.Targets).toEqual(['contact']);

    const rel = (
      await get(
        "EntityDefinitions(LogicalName='new_visit')/ManyToOneRelationships?$select=ReferencedEntity,ReferencingAttribute&$filter=ReferencingAttribute eq 'new_contactid'",
      )
    ).value as Row[];
    expect(rel).toEqual([
      expect.objectContaining({ ReferencedEntity: 'contact', ReferencingAttribute: 'new_contactid' }),
    ]);
    const csdl = await (await c.send('GET', '$metadata')).text();
    expect(csdl).toContain('Name="new_visit"');
  });

  it('reads, writes and tracks changes like a standard table', async () => {
    const contactId = c.emu.ctx.data.ids('contact', 1)[0]!;
    const post = await c.send('POST', 'new_visits', {
      new_name: 'First visit',
      new_duration: 30,
      'new_contactid@odata.bind': `/contacts(${contactId})`,
    });
    expect(post.status).toBe(204);
    const first = await c.send('GET', 'new_visits?$select=new_name,_new_contactid_value,new_duration', undefined, {
      Prefer: 'odata.track-changes',
    });
    const page = await json(first);
    expect(page.value).toEqual([
      expect.objectContaining({ new_name: 'First visit', _new_contactid_value: contactId, new_duration: 30 }),
    ]);
    const id = (page.value as Row[])[0]!.new_visitid as string;
    await c.send('PATCH', `new_visits(${id})`, { new_duration: 45 });
    const delta = await get(page['@odata.deltaLink'] as string);
    expect(delta.value).toEqual([expect.objectContaining({ new_visitid: id, new_duration: 45 })]);
    await c.send('DELETE', `new_visits(${id})`);
    const after = await get(delta['@odata.deltaLink'] as string);
    expect(after.value).toEqual([
      expect.objectContaining({ '@odata.context': expect.stringContaining('$deletedEntity'), id }),
    ]);
  });

  it('has table privileges: a user denied read gets 403', async () => {
    c.admin.setTableRead(SYNC, 'new_visit', false);
    const res = await c.send('GET', 'new_visits?$select=new_name');
    expect(res.status).toBe(403);
    c.admin.setTableRead(SYNC, 'new_visit', true);
    expect((await c.send('GET', 'new_visits?$select=new_name')).status).toBe(200);
  });

  it('links a table to another custom table, and refuses bad specs with a clear 400', async () => {
    await json(
      await adminPost('/tables', {
        logicalName: 'new_visit_note',
        columns: [{ logicalName: 'new_visitid_ref', type: 'Lookup', targets: ['new_visit'] }],
      }),
    );
    const rel = (await get("EntityDefinitions(LogicalName='new_visit_note')/ManyToOneRelationships")).value as Row[];
    expect(rel.map((r) => r.ReferencedEntity)).toContain('new_visit');
    const bad = async (body: unknown, message: RegExp) => {
      const res = await adminPost('/tables', body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
    };
    await bad({ logicalName: 'visit' }, /publisher prefix/);
    await bad({ logicalName: 'new_visit' }, /already exists/);
    await bad(
      { logicalName: 'new_x', columns: [{ logicalName: 'new_y', type: 'Lookup', targets: ['nope'] }] },
      /unknown table 'nope'/,
    );
  });
});

describe('seeded custom tables', () => {
  it('the medium seed has event registrations of contacts and product interests of accounts', async () => {
    // A numeric seed of the same shape is too small to mean anything; the medium seed is built once here.
    const m = await startClient({ seed: 'medium' });
    try {
      expect(m.emu.ctx.data.count('new_event_registration')).toBe(30_000);
      expect(m.emu.ctx.data.count('new_product_interest')).toBe(8_000);
      const res = await m.send('GET', 'new_event_registrations?$select=new_name,_new_contactid_value&$top=3');
      const rows = ((await res.json()) as { value: Row[] }).value;
      expect(rows).toHaveLength(3);
      for (const r of rows) expect(m.emu.ctx.data.ids('contact')).toContain(r._new_contactid_value);
    } finally {
      await m.close();
    }
  }, 120_000);
});
