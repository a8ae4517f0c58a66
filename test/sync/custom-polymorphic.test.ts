/**
 * Polymorphic lookups as custom-table links: a Customer lookup (account or contact) and a
 * multi-table lookup (contact or lead, or two custom tables) count as links, each record by the
 * table its value points at (the lookuplogicalname annotation of the row), for eligibility (level 1
 * and level 2) and for the person and company a record belongs to.
 */
import { expect, it } from 'vitest';
import type { EmulatorAdmin } from '../../src/emulator/faults/admin.js';
import { enableCustomTable, listCustomTables } from '../../src/sync/custom-tables.js';
import { personCustomRecords } from '../../src/store/records/custom-queries.js';
import { describeWorlds, emulatorIds, openLeadIds, type World } from './world.js';

function addTables(admin: EmulatorAdmin): void {
  admin.addTable({
    logicalName: 'new_ticket',
    columns: [
      { logicalName: 'new_customerid', type: 'Customer' },
      { logicalName: 'new_regardingid', type: 'Lookup', targets: ['contact', 'lead'] },
      { logicalName: 'new_priority', type: 'Integer' },
    ],
  });
  // No link of its own: a polymorphic lookup to a user or a team is not a person or a company.
  admin.addTable({
    logicalName: 'new_box',
    columns: [{ logicalName: 'new_holderid', type: 'Lookup', targets: ['systemuser', 'team'] }],
  });
  // Level 2 through a polymorphic lookup: new_ticket links, new_box does not.
  admin.addTable({
    logicalName: 'new_comment',
    columns: [
      { logicalName: 'new_parentid', type: 'Lookup', targets: ['new_box', 'new_ticket'] },
      { logicalName: 'new_text', type: 'Memo' },
    ],
  });
}

async function records(w: World, table: string) {
  const r = await w.db.query<{
    dynamics_id: string;
    person_dynamics_id: string | null;
    account_dynamics_id: string | null;
  }>(
    `SELECT dynamics_id, person_dynamics_id, account_dynamics_id FROM custom_records
     WHERE table_name = $1 ORDER BY fields ->> 'new_name'`,
    [table],
  );
  return r.rows.map((x) => [x.dynamics_id, x.person_dynamics_id, x.account_dynamics_id]);
}

const personId = async (w: World, dynamicsId: string): Promise<number> =>
  Number((await w.db.query<{ id: string }>('SELECT id FROM persons WHERE dynamics_id = $1', [dynamicsId])).rows[0]!.id);

describeWorlds('polymorphic lookups as custom-table links', ({ open }) => {
  it('count for eligibility at level 1 and level 2, per target that is a lead, contact or account', async () => {
    const w = await open({ seed: 3 });
    addTables(w.admin);
    const rows = new Map((await listCustomTables(w.db, w.session.source, w.userId)).map((r) => [r.name, r]));
    expect(rows.get('new_ticket')).toMatchObject({
      eligible: true,
      depth: 1,
      links: ['new_customerid → account | contact (per record)', 'new_regardingid → contact | lead (per record)'],
    });
    expect(rows.get('new_box')!.reasons).toEqual([
      'it does not link to a lead, contact or account, directly or through one more table',
    ]);
    expect(rows.get('new_comment')).toMatchObject({
      eligible: false,
      depth: 2,
      links: ['new_parentid → new_ticket (per record)'],
      reasons: ['enable new_ticket first (it links through it)'],
    });
    await enableCustomTable(w.db, w.session.source, w.userId, 'new_ticket');
    const after = (await listCustomTables(w.db, w.session.source, w.userId)).find((r) => r.name === 'new_comment')!;
    expect(after).toMatchObject({ eligible: true, reasons: [] });
  });

  it('a record links to the person or company its value points at, and follows a change of table', async () => {
    const w = await open({ seed: 3 });
    addTables(w.admin);
    expect((await w.cycle()).status).toBe('success');
    const [c1, c2] = emulatorIds(w, 'contact', 2) as [string, string];
    const [a1, a2] = emulatorIds(w, 'account', 2) as [string, string];
    const l1 = (await openLeadIds(w, 1))[0]!;
    const t1 = await w.rep.create('new_tickets', {
      new_name: 't1',
      'new_customerid_contact@odata.bind': `/contacts(${c1})`,
    });
    const t2 = await w.rep.create('new_tickets', {
      new_name: 't2',
      'new_customerid_account@odata.bind': `/accounts(${a1})`,
      'new_regardingid_contact@odata.bind': `/contacts(${c2})`,
    });
    const t3 = await w.rep.create('new_tickets', {
      new_name: 't3',
      'new_customerid_account@odata.bind': `/accounts(${a2})`,
      'new_regardingid_lead@odata.bind': `/leads(${l1})`,
    });
    const box = await w.rep.create('new_boxs', { new_name: 'box' });
    const n1 = await w.rep.create('new_comments', {
      new_name: 'n1',
      new_text: 'on t2',
      'new_parentid_new_ticket@odata.bind': `/new_tickets(${t2})`,
    });
    const n2 = await w.rep.create('new_comments', {
      new_name: 'n2',
      'new_parentid_new_box@odata.bind': `/new_boxs(${box})`,
    });
    await enableCustomTable(w.db, w.session.source, w.userId, 'new_ticket');
    await enableCustomTable(w.db, w.session.source, w.userId, 'new_comment');
    expect((await w.cycle()).status).toBe('success');
    expect(await records(w, 'new_ticket')).toEqual([
      [t1, c1, null], // Customer → contact: the person
      [t2, c2, a1], // Customer → account: the company; regarding → contact: the person
      [t3, l1, a2], // regarding → lead: the lead's person
    ]);
    // Level 2: the comment on t2 takes t2's links; the one on a box (not a link) has none.
    expect(await records(w, 'new_comment')).toEqual([
      [n1, c2, a1],
      [n2, null, null],
    ]);
    // The person page lists t1 as the person's own record (besides any of the person's company).
    const own = async (contact: string) => {
      const id = await personId(w, contact);
      return (await personCustomRecords(w.db, id)).filter((r) => r.personId === id).map((r) => r.dynamicsId);
    };
    expect(await own(c1)).toEqual([t1]);

    // t1's customer turns into an account: no person any more, that company instead.
    await w.rep.update('new_tickets', t1, { 'new_customerid_account@odata.bind': `/accounts(${a2})` });
    // t2's regarding turns into a lead: its person, and its comment's, follow in the same page.
    await w.rep.update('new_tickets', t2, { 'new_regardingid_lead@odata.bind': `/leads(${l1})` });
    const third = await w.cycle();
    expect(third.status).toBe('success');
    expect(await records(w, 'new_ticket')).toEqual([
      [t1, null, a2],
      [t2, l1, a1],
      [t3, l1, a2],
    ]);
    expect(await records(w, 'new_comment')).toEqual([
      [n1, l1, a1],
      [n2, null, null],
    ]);
    expect(await own(c1)).toEqual([]);
  });
});
