/**
 * Issue 11 section 2: custom tables. Which can be enabled (and why not), the first read of an
 * enabled table only, records linked to their people and companies (directly or through one more
 * table), deltas and deletes, and enabling refused while a cycle runs.
 */
import { CYCLE_ORDER } from '../../src/domain/index.js';
import { expect, it } from 'vitest';
import type { EmulatorAdmin } from '../../src/emulator/faults/admin.js';
import { startRun } from '../../src/sync/state.js';
import {
  disableCustomTable,
  enableCustomTable,
  listCustomTables,
  saveCustomColumns,
} from '../../src/sync/custom-tables.js';
import { describeWorlds, emulatorIds, type World } from './world.js';

const SYNC = 'sync@contoso.test';

function addTables(admin: EmulatorAdmin): void {
  admin.addTable({
    logicalName: 'new_visit',
    columns: [
      { logicalName: 'new_contactid', type: 'Lookup', targets: ['contact'] },
      { logicalName: 'new_duration', type: 'Integer' },
      { logicalName: 'new_internal', type: 'String' },
    ],
  });
  admin.addTable({
    logicalName: 'new_visit_note',
    columns: [
      { logicalName: 'new_visitid', type: 'Lookup', targets: ['new_visit'] },
      { logicalName: 'new_text', type: 'Memo' },
    ],
  });
  admin.addTable({
    logicalName: 'new_plan',
    columns: [{ logicalName: 'new_accountid', type: 'Lookup', targets: ['account'] }],
  });
  admin.addTable({ logicalName: 'new_orphan', columns: [{ logicalName: 'new_size', type: 'Integer' }] });
  admin.addTable({
    logicalName: 'new_hidden',
    columns: [{ logicalName: 'new_contactid', type: 'Lookup', targets: ['contact'] }],
  });
  admin.setTableRead(SYNC, 'new_hidden', false);
  admin.addTable({
    logicalName: 'new_untracked',
    changeTracking: false,
    columns: [{ logicalName: 'new_leadid', type: 'Lookup', targets: ['lead'] }],
  });
  admin.addTable({
    logicalName: 'new_a_table_name_of_thirty_four_ch',
    columns: [{ logicalName: 'new_contactid', type: 'Lookup', targets: ['contact'] }],
  });
}

async function records(w: World, table: string) {
  const r = await w.db.query<{
    dynamics_id: string;
    fields: Record<string, unknown>;
    person_dynamics_id: string | null;
    account_dynamics_id: string | null;
    dynamics_deleted: boolean;
  }>(
    `SELECT dynamics_id, fields, person_dynamics_id, account_dynamics_id, dynamics_deleted
     FROM custom_records WHERE table_name = $1 ORDER BY dynamics_id`,
    [table],
  );
  return r.rows;
}

describeWorlds('custom tables', ({ open }) => {
  it('lists every custom table with why it can or cannot sync', async () => {
    const w = await open({ seed: 3 });
    addTables(w.admin);
    const rows = await listCustomTables(w.db, w.session.source, w.userId);
    const by = new Map(rows.map((r) => [r.name, r]));
    expect(by.get('new_visit')).toMatchObject({ eligible: true, depth: 1, links: ['new_contactid → contact'] });
    expect(by.get('new_plan')).toMatchObject({ eligible: true, depth: 1, links: ['new_accountid → account'] });
    expect(by.get('new_visit_note')).toMatchObject({ eligible: false, depth: 2 });
    expect(by.get('new_visit_note')!.reasons).toEqual(['enable new_visit first (it links through it)']);
    expect(by.get('new_orphan')!.reasons).toEqual([
      'it does not link to a lead, contact or account, directly or through one more table',
    ]);
    expect(by.get('new_hidden')!.reasons).toEqual(['the sync user cannot read it (no prvReadnew_Hidden privilege)']);
    expect(by.get('new_untracked')!.reasons[0]).toMatch(/change tracking is off/);
    expect(by.get('new_a_table_name_of_thirty_four_ch')!.reasons).toEqual(['its name has 34 characters (at most 33)']);
    await expect(enableCustomTable(w.db, w.session.source, w.userId, 'new_orphan')).rejects.toThrow(
      /new_orphan cannot sync: it does not link/,
    );
    await expect(enableCustomTable(w.db, w.session.source, w.userId, 'new_visit_note')).rejects.toThrow(
      /enable new_visit first/,
    );
    await expect(enableCustomTable(w.db, w.session.source, w.userId, 'new_nothing')).rejects.toThrow(
      /no custom table named 'new_nothing'/,
    );
  });

  it('an enabled table starts with a full read of itself only; its records link to people and companies', async () => {
    const w = await open({ seed: 3 });
    addTables(w.admin);
    expect((await w.cycle()).status).toBe('success');
    const [c1, c2] = emulatorIds(w, 'contact', 2);
    const [a1] = emulatorIds(w, 'account', 1);
    const visit = await w.rep.create('new_visits', {
      new_name: 'Visit 1',
      new_duration: 30,
      'new_contactid@odata.bind': `/contacts(${c1})`,
    });
    const plan = await w.rep.create('new_plans', { new_name: 'Plan', 'new_accountid@odata.bind': `/accounts(${a1})` });

    const fields = await enableCustomTable(w.db, w.session.source, w.userId, 'new_visit');
    expect(fields.filter((f) => f.selected).map((f) => f.logicalName)).toEqual([
      'new_contactid',
      'new_duration',
      'new_internal',
      'new_name',
    ]);
    await enableCustomTable(w.db, w.session.source, w.userId, 'new_plan');
    const second = await w.cycle();
    expect(second.status).toBe('success');
    expect(second.tables.map((t) => [t.entity, t.fullRead])).toEqual([
      ...CYCLE_ORDER.map((t) => [t, false]),
      ['new_plan', true],
      ['new_visit', true],
    ]);
    expect(await records(w, 'new_visit')).toEqual([
      expect.objectContaining({
        dynamics_id: visit,
        fields: expect.objectContaining({ new_name: 'Visit 1', new_duration: 30, new_contactid: c1 }),
        person_dynamics_id: c1,
        account_dynamics_id: null,
      }),
    ]);
    expect(await records(w, 'new_plan')).toEqual([
      expect.objectContaining({ dynamics_id: plan, account_dynamics_id: a1, person_dynamics_id: null }),
    ]);

    // Deltas: a change, a move to another person, a delete (flagged, kept).
    await w.rep.update('new_visits', visit, { new_duration: 45, 'new_contactid@odata.bind': `/contacts(${c2})` });
    await w.rep.remove('new_plans', plan);
    const third = await w.cycle();
    expect(
      third.tables.filter((t) => t.entity.startsWith('new_')).map((t) => [t.entity, t.fullRead, t.updated, t.deleted]),
    ).toEqual([
      ['new_plan', false, 0, 1],
      ['new_visit', false, 1, 0],
    ]);
    expect((await records(w, 'new_visit'))[0]).toMatchObject({
      fields: expect.objectContaining({ new_duration: 45 }),
      person_dynamics_id: c2,
    });
    expect((await records(w, 'new_plan'))[0]!.dynamics_deleted).toBe(true);

    // Columns are chosen like other tables'; a deselected column keeps its value.
    const cols = await saveCustomColumns(w.db, w.session.source, w.userId, 'new_visit', { remove: ['new_internal'] });
    expect(cols.find((f) => f.logicalName === 'new_internal')?.selected).toBe(false);
    await expect(
      saveCustomColumns(w.db, w.session.source, w.userId, 'new_visit', { add: ['new_nope'] }),
    ).rejects.toThrow(/new_visit.new_nope does not exist/);
  });

  it('a table linked through another custom table takes its person from the intermediate record', async () => {
    const w = await open({ seed: 3 });
    addTables(w.admin);
    const [c1, c2] = emulatorIds(w, 'contact', 2);
    const visit = await w.rep.create('new_visits', { new_name: 'V', 'new_contactid@odata.bind': `/contacts(${c1})` });
    const note = await w.rep.create('new_visit_notes', {
      new_name: 'N',
      new_text: 'went well',
      'new_visitid@odata.bind': `/new_visits(${visit})`,
    });
    await enableCustomTable(w.db, w.session.source, w.userId, 'new_visit');
    await enableCustomTable(w.db, w.session.source, w.userId, 'new_visit_note');
    await expect(disableCustomTable(w.db, 'new_visit')).rejects.toThrow(/new_visit_note link\(s\) through new_visit/);
    await w.cycle();
    expect(await records(w, 'new_visit_note')).toEqual([
      expect.objectContaining({ dynamics_id: note, person_dynamics_id: c1 }),
    ]);
    // The visit moves to another contact: its note follows in the same page.
    await w.rep.update('new_visits', visit, { 'new_contactid@odata.bind': `/contacts(${c2})` });
    await w.cycle();
    expect((await records(w, 'new_visit_note'))[0]!.person_dynamics_id).toBe(c2);

    await disableCustomTable(w.db, 'new_visit_note');
    const after = await w.cycle();
    expect(after.tables.map((t) => t.entity)).not.toContain('new_visit_note');
    expect(await records(w, 'new_visit_note')).toHaveLength(1); // kept
  });

  it('enabling and disabling are refused while a cycle runs', async () => {
    const w = await open({ seed: 3 });
    addTables(w.admin);
    await enableCustomTable(w.db, w.session.source, w.userId, 'new_plan');
    // PGlite: one process only, so a 'running' run is this process's own cycle. (PostgreSQL: also
    // needs the runner's lock, proven with two processes in custom-tables-process.test.ts.)
    if (w.db.kind !== 'pglite') return;
    await startRun(w.db, 'manual', new Date());
    await expect(enableCustomTable(w.db, w.session.source, w.userId, 'new_visit')).rejects.toThrow(
      /A sync cycle is running/,
    );
    await expect(disableCustomTable(w.db, 'new_plan')).rejects.toThrow(/A sync cycle is running/);
  });
});
