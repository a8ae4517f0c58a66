/**
 * Custom-table changes log no activity (ARCHITECTURE.md, Custom tables: the reference logs a Change
 * Data Value for a person's synced fields and, per contact, for account changes only). A change of a
 * custom record linked to a person, to a company and through another table is stored, and the only
 * activity of that cycle is the one of the person's own field changed beside it.
 */
import { expect, it } from 'vitest';
import { ActivityType } from '../../src/domain/index.js';
import { enableCustomTable } from '../../src/sync/custom-tables.js';
import { describeWorlds, emulatorRows, type World } from './world.js';

interface ActivityRow {
  person_id: string;
  type_id: number;
  attributes: Record<string, unknown>;
}

const activitiesOf = async (w: World, runId: number) =>
  (
    await w.db.query<ActivityRow>(
      'SELECT person_id::text AS person_id, type_id, attributes FROM activities WHERE run_id = $1',
      [runId],
    )
  ).rows;

const personId = async (w: World, dynamicsId: string): Promise<string> =>
  String(
    (await w.db.query<{ id: string }>('SELECT id::text AS id FROM persons WHERE dynamics_id = $1', [dynamicsId]))
      .rows[0]!.id,
  );

describeWorlds('custom-table changes and the activity log', ({ open }) => {
  it('a change to a custom record logs no Change Data Value on its person or its company’s people', async () => {
    const w = await open({ seed: 3 });
    w.admin.addTable({
      logicalName: 'new_visit',
      columns: [
        { logicalName: 'new_contactid', type: 'Lookup', targets: ['contact'] },
        { logicalName: 'new_accountid', type: 'Lookup', targets: ['account'] },
        { logicalName: 'new_duration', type: 'Integer' },
      ],
    });
    w.admin.addTable({
      logicalName: 'new_visit_note',
      columns: [
        { logicalName: 'new_visitid', type: 'Lookup', targets: ['new_visit'] },
        { logicalName: 'new_text', type: 'Memo' },
      ],
    });
    // A contact of an account with other contacts: its company has people to fan out to.
    const contacts = await emulatorRows(w, 'contacts', ['contactid', '_parentcustomerid_value']);
    const withAccount = contacts.find(
      (c) =>
        c._parentcustomerid_value &&
        contacts.filter((o) => o._parentcustomerid_value === c._parentcustomerid_value).length > 1,
    )!;
    const contact = withAccount.contactid as string;
    const account = withAccount._parentcustomerid_value as string;
    const visit = await w.rep.create('new_visits', {
      new_name: 'Visit',
      new_duration: 30,
      'new_contactid@odata.bind': `/contacts(${contact})`,
      'new_accountid@odata.bind': `/accounts(${account})`,
    });
    const note = await w.rep.create('new_visit_notes', {
      new_name: 'Note',
      new_text: 'first',
      'new_visitid@odata.bind': `/new_visits(${visit})`,
    });
    await enableCustomTable(w.db, w.session.source, w.userId, 'new_visit');
    await enableCustomTable(w.db, w.session.source, w.userId, 'new_visit_note');
    expect((await w.cycle()).status).toBe('success');

    await w.rep.update('new_visits', visit, { new_duration: 45, new_name: 'Visit (long)' });
    await w.rep.update('new_visit_notes', note, { new_text: 'second' });
    // Beside it, a change to the person's own synced field, which does log one.
    await w.rep.update('contacts', contact, { jobtitle: 'Head of Visits' });
    const cycle = await w.cycle();
    expect(cycle.status).toBe('success');
    const custom = cycle.tables.filter((t) => t.entity.startsWith('new_'));
    expect(custom.map((t) => [t.entity, t.updated, t.activities])).toEqual([
      ['new_visit', 1, 0],
      ['new_visit_note', 1, 0],
    ]);
    const stored = await w.db.query<{ fields: Record<string, unknown> }>(
      `SELECT fields FROM custom_records WHERE table_name = 'new_visit'`,
    );
    expect(stored.rows[0]!.fields).toMatchObject({ new_duration: 45, new_name: 'Visit (long)' });

    const logged = await activitiesOf(w, cycle.runId);
    expect(logged).toEqual([
      expect.objectContaining({
        person_id: await personId(w, contact),
        type_id: ActivityType.ChangeDataValue,
        attributes: expect.objectContaining({ newValue: 'Head of Visits' }),
      }),
    ]);
  });
});
