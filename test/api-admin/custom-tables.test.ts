/** The Custom tables page's API and the person page's custom records (issue 11 §2). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import { DATABASE_URL } from '../helpers/db.js';
import { acquireRunnerLock } from '../../src/store/runner-lock.js';
import { startRun } from '../../src/sync/state.js';
import { signedInClient, type AdminClient } from './client.js';
import { openSyncedFixture, type SyncedFixture } from './fixture.js';

let f: SyncedFixture;
let c: AdminClient;
let contact: string;
let account: string;

beforeAll(async () => {
  f = await openSyncedFixture();
  c = await signedInClient(f.deps());
  const admin = createAdmin(f.emulator.ctx);
  admin.addTable({
    logicalName: 'new_visit',
    columns: [
      { logicalName: 'new_contactid', type: 'Lookup', targets: ['contact'] },
      { logicalName: 'new_duration', type: 'Integer' },
    ],
  });
  admin.addTable({
    logicalName: 'new_plan',
    columns: [{ logicalName: 'new_accountid', type: 'Lookup', targets: ['account'] }],
  });
  admin.addTable({ logicalName: 'new_orphan' });
  // A contact with an account: its person sees the contact's visit and the account's plan.
  const row = (
    await f.db.query<{ dynamics_id: string; account_dynamics_id: string }>(
      `SELECT dynamics_id, account_dynamics_id FROM persons WHERE dynamics_type = 'Contact' AND account_dynamics_id IS NOT NULL ORDER BY id LIMIT 1`,
    )
  ).rows[0]!;
  contact = row.dynamics_id;
  account = row.account_dynamics_id;
  const rep = f.emulator.ctx.identity.userIdByName('rep@contoso.test')!;
  const as = { userId: rep, name: 'rep@contoso.test', kind: 'user' as const, appId: 'dynasync-local' };
  f.emulator.ctx.data.create(as, 'new_visit', {
    new_name: 'Demo',
    new_duration: 20,
    'new_contactid@odata.bind': `/contacts(${contact})`,
  });
  f.emulator.ctx.data.create(as, 'new_plan', {
    new_name: 'Plan A',
    'new_accountid@odata.bind': `/accounts(${account})`,
  });
});
afterAll(async () => {
  await c?.app.close();
  await f?.close();
});

describe('/api/custom-tables', () => {
  it('lists the custom tables with why not, enables, lists columns and saves them', async () => {
    const list = await c.send({ url: '/api/custom-tables' });
    expect(list.statusCode).toBe(200);
    const tables = (list.json() as { tables: { name: string; eligible: boolean; reasons: string[] }[] }).tables;
    expect(tables.find((t) => t.name === 'new_orphan')).toMatchObject({ eligible: false });
    expect(tables.find((t) => t.name === 'new_visit')).toMatchObject({ eligible: true, reasons: [] });

    const refused = await c.send({ method: 'POST', url: '/api/custom-tables/new_orphan/enable', payload: {} });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: { code: 'table_not_eligible' } });

    for (const name of ['new_visit', 'new_plan']) {
      const res = await c.send({ method: 'POST', url: `/api/custom-tables/${name}/enable`, payload: {} });
      expect(res.statusCode, res.body).toBe(200);
    }
    const cols = await c.send({
      method: 'PUT',
      url: '/api/custom-tables/new_visit/columns',
      payload: { selected: ['new_contactid', 'new_duration', 'new_name'] },
    });
    expect(cols.statusCode, cols.body).toBe(200);
    const got = (await c.send({ url: '/api/custom-tables/new_visit/columns' })).json() as {
      fields: { logicalName: string; selected: boolean }[];
    };
    expect(got.fields.filter((x) => x.selected).map((x) => x.logicalName)).toEqual([
      'new_contactid',
      'new_duration',
      'new_name',
    ]);
  });

  it("shows a person's custom records after a cycle: the person's own and the company's", async () => {
    const runner = await f.startRunner(600_000);
    await expect
      .poll(async () => (await f.db.query(`SELECT 1 FROM custom_records`)).rowCount, { timeout: 60_000 })
      .toBe(2);
    await runner.stop();
    const person = (await f.db.query<{ id: string }>('SELECT id FROM persons WHERE dynamics_id = $1', [contact]))
      .rows[0]!;
    const res = await c.send({ url: `/api/people/${person.id}/custom-records` });
    expect(res.statusCode).toBe(200);
    const records = (res.json() as { records: { table: string; via: string; fields: Record<string, unknown> }[] })
      .records;
    expect(records.map((r) => [r.table, r.via, r.fields.new_name])).toEqual([
      ['new_plan', 'company', 'Plan A'],
      ['new_visit', 'person', 'Demo'],
    ]);
  });

  it('refuses enabling and disabling while a cycle runs (503, try again after it)', async () => {
    // A running cycle is a running run row and, on PostgreSQL, a runner holding the runner lock.
    const lock = await acquireRunnerLock(
      DATABASE_URL && f.db.kind === 'postgres' ? DATABASE_URL : undefined,
      f.db.schema,
    );
    try {
      await startRun(f.db, 'manual', new Date());
      const res = await c.send({ method: 'POST', url: '/api/custom-tables/new_plan/disable', payload: {} });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ error: { code: 'cycle_running' } });
    } finally {
      await lock.release();
    }
  });
});
