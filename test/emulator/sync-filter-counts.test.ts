/** The optional new_synctomkto column, and request counts per table, method and user. */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SYNC, sendBatch, startClient, type EmulatorClient, type Row } from './helpers/emulator-client.js';

const open: EmulatorClient[] = [];
afterAll(async () => {
  for (const c of open) await c.close();
});
const client = async (opts: Parameters<typeof startClient>[0]) => {
  const c = await startClient(opts);
  open.push(c);
  return c;
};

describe('new_synctomkto', () => {
  it('is absent from the default schema', async () => {
    const c = await client({ seed: 5 });
    const res = await c.send('GET', 'leads?$select=new_synctomkto');
    expect(res.status).toBe(400);
  });

  it('with syncFilterColumn exists on lead, contact and account as Two Options, seeded Yes, No and empty, default Yes', async () => {
    const c = await client({ seed: 'small', syncFilterColumn: true });
    for (const set of ['leads', 'contacts', 'accounts']) {
      const rows = ((await (await c.send('GET', `${set}?$select=new_synctomkto`)).json()) as { value: Row[] }).value;
      expect(new Set(rows.map((r) => r.new_synctomkto)), set).toEqual(new Set([true, false, null]));
    }
    const attr = (await (
      await c.send(
        'GET',
        "EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='new_synctomkto')?$select=AttributeType,IsCustomAttribute",
      )
    ).json()) as Row;
    expect(attr).toMatchObject({ AttributeType: 'Boolean', IsCustomAttribute: true });
    const id = randomUUID();
    await c.send('POST', 'leads', { leadid: id, subject: 's', lastname: 'L' });
    expect(((await (await c.send('GET', `leads(${id})?$select=new_synctomkto`)).json()) as Row).new_synctomkto).toBe(
      true,
    );
    expect((await c.send('PATCH', `leads(${id})`, { new_synctomkto: false })).status).toBe(204);
  });

  it('can be added at run time through the admin API', async () => {
    const c = await client({ seed: 5, enableAdmin: true });
    const res = await fetch(`${c.emu.url}/_emulator/tables/lead/columns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ logicalName: 'new_synctomkto', type: 'Boolean' }),
    });
    expect(res.status).toBe(200);
    expect((await c.send('GET', 'leads?$select=new_synctomkto')).status).toBe(200);
  });
});

describe('request counts', () => {
  it('name the table, method and user of every write, inside $batch too', async () => {
    const c = await client({ seed: 5, enableAdmin: true });
    c.admin.resetRequestCounts();
    await c.send('POST', 'leads', { subject: 's', lastname: 'One' });
    await sendBatch(c, [
      { changeset: [{ method: 'POST', url: 'contacts', body: { lastname: 'Two' }, contentId: '1' }] },
    ]);
    const id = c.emu.ctx.data.ids('lead', 1)[0]!;
    await c.send('PATCH', `leads(${id})`, { jobtitle: 'x' }, {}, 'rep@contoso.test');
    const body = (await (await fetch(`${c.emu.url}/_emulator/requests`)).json()) as {
      counts: Row;
      byUser: Record<string, Record<string, Record<string, number>>>;
    };
    expect(body.counts).toMatchObject({ leads: { POST: 1, PATCH: 1 }, contacts: { POST: 1 }, $batch: { POST: 1 } });
    expect(body.byUser[SYNC]).toEqual({ leads: { POST: 1 }, contacts: { POST: 1 }, $batch: { POST: 1 } });
    expect(body.byUser['rep@contoso.test']).toEqual({ leads: { PATCH: 1 } });
    expect(body.byUser[SYNC]!.accounts).toBeUndefined();
    expect(body.byUser[SYNC]!.systemusers).toBeUndefined();
  });
});
