/**
 * Issue 3, items 2, 6, 7 and 8: later cycles pick up what a sales rep changes in Dynamics.
 * Account changes fan out to every person of the account (activities capped at 5,000 persons),
 * contact changes log on their person, contacts relink, deletes keep the record marked deleted.
 */
import { expect, it } from 'vitest';
import { ActivityType, CDV_FAN_OUT_CAP } from '../../src/domain/index.js';
import { buildStatus } from '../../src/sync/status.js';
import { addDemoFanOut } from '../../src/emulator/demo.js';
import { getCompanyByDynamicsId, getPersonByDynamicsId, listActivities } from '../../src/store/records/index.js';
import { emulatorIds, describeWorlds, personsOfAccount, type World } from './world.js';

async function activitiesOf(w: World, personId: number, typeId: number) {
  return listActivities(w.db, { personId, typeId });
}

/** An account of the seed with at least `min` persons in the lead database. */
async function accountWithPersons(w: World, min: number): Promise<{ accountId: string; persons: string[] }> {
  for (const accountId of emulatorIds(w, 'account')) {
    const persons = await personsOfAccount(w, accountId);
    if (persons.length >= min) return { accountId, persons };
  }
  throw new Error(`no account with ${min} persons`);
}

describeWorlds('changes from Dynamics', ({ open }) => {
  it('logs a Change Data Value per changed account field on every person of the account, and applies it to all', async () => {
    const w = await open();
    await w.cycle();
    const { accountId, persons } = await accountWithPersons(w, 2);
    const before = await getCompanyByDynamicsId(w.db, accountId);
    await w.rep.update('accounts', accountId, { address1_city: 'Lisbon', numberofemployees: 4242 });
    w.admin.resetRequestCounts();

    const result = await w.cycle();
    const account = result.tables.find((t) => t.entity === 'account')!;
    expect(account).toMatchObject({ fullRead: false, updated: 1, activities: 2 * persons.length });
    for (const method of ['POST', 'PATCH', 'DELETE']) expect(w.admin.requestCount('accounts', method)).toBe(0);
    for (const contactId of persons) {
      const p = (await getPersonByDynamicsId(w.db, contactId))!;
      expect(p.company!.fields).toMatchObject({ billingCity: 'Lisbon', numberOfEmployees: 4242 });
      const cdv = await activitiesOf(w, p.id, ActivityType.ChangeDataValue);
      expect(cdv.map((a) => a.attributes).sort((a, b) => String(a.field).localeCompare(String(b.field)))).toEqual([
        expect.objectContaining({
          field: 'billingCity',
          oldValue: before!.fields.billingCity,
          newValue: 'Lisbon',
          source: 'dynamics',
          reason: 'Account updated in Dynamics',
        }),
        expect.objectContaining({
          field: 'numberOfEmployees',
          oldValue: before!.fields.numberOfEmployees,
          newValue: 4242,
          source: 'dynamics',
        }),
      ]);
      expect(cdv.every((a) => a.occurredAt instanceof Date && !Number.isNaN(a.occurredAt.getTime()))).toBe(true);
    }
  });

  it('caps the Change Data Values of one account change at 5,000 persons, lowest person ids first, while all persons get the value', async () => {
    const w = await open({ seed: 1 });
    const bigId = addDemoFanOut(w.emu.ctx, CDV_FAN_OUT_CAP + 60);
    await w.cycle();
    await w.rep.update('accounts', bigId, { name: 'Northwind Renamed', telephone1: '+1 555 0100' });
    await w.cycle();

    const perField = await w.db.query<{ field: string; n: number; max_person: string }>(
      `SELECT a.attributes->>'field' AS field, count(*)::int AS n, max(a.person_id)::text AS max_person
       FROM activities a WHERE a.type_id = $1 GROUP BY 1 ORDER BY 1`,
      [ActivityType.ChangeDataValue],
    );
    const ids = await w.db.query<{ id: string }>(
      'SELECT id::text AS id FROM persons WHERE account_dynamics_id = $1 ORDER BY persons.id',
      [bigId],
    );
    expect(ids.rows).toHaveLength(CDV_FAN_OUT_CAP + 60);
    const lastLogged = ids.rows[CDV_FAN_OUT_CAP - 1]!.id;
    expect(perField.rows).toEqual([
      { field: 'company', n: CDV_FAN_OUT_CAP, max_person: lastLogged },
      { field: 'mainPhone', n: CDV_FAN_OUT_CAP, max_person: lastLogged },
    ]);
    const notLogged = await w.db.query<{ name: string }>(
      `SELECT c.fields->>'company' AS name FROM persons p JOIN companies c ON c.dynamics_id = p.account_dynamics_id WHERE p.id = $1`,
      [ids.rows.at(-1)!.id],
    );
    expect(notLogged.rows[0]!.name).toBe('Northwind Renamed');
  });

  it('logs a Change Data Value on the person for a contact field change', async () => {
    const w = await open();
    await w.cycle();
    const contactId = emulatorIds(w, 'contact', 1)[0]!;
    const before = (await getPersonByDynamicsId(w.db, contactId))!;
    await w.rep.update('contacts', contactId, { jobtitle: 'Chief Curiosity Officer' });
    const result = await w.cycle();
    expect(result.tables.find((t) => t.entity === 'contact')).toMatchObject({ updated: 1, activities: 1 });
    const after = (await getPersonByDynamicsId(w.db, contactId))!;
    expect(after.fields.title).toBe('Chief Curiosity Officer');
    const cdv = await activitiesOf(w, before.id, ActivityType.ChangeDataValue);
    expect(cdv.map((a) => a.attributes)).toEqual([
      expect.objectContaining({
        field: 'title',
        oldValue: before.fields.title ?? null,
        newValue: 'Chief Curiosity Officer',
        source: 'dynamics',
      }),
    ]);
  });

  it('relinks a contact moved to another account, and links a new contact and a new account in one cycle', async () => {
    const w = await open();
    await w.cycle();
    const [from, to] = emulatorIds(w, 'account', 2) as [string, string];
    const moved = (await personsOfAccount(w, from))[0]!;
    await w.rep.update('contacts', moved, { 'parentcustomerid_account@odata.bind': `/accounts(${to})` });
    const newAccount = await w.rep.create('accounts', { name: 'Fresh Ventures' });
    const newContact = await w.rep.create('contacts', {
      firstname: 'Nia',
      lastname: 'New',
      emailaddress1: 'nia@fresh.example',
      'parentcustomerid_account@odata.bind': `/accounts(${newAccount})`,
    });
    await w.cycle();
    expect((await getPersonByDynamicsId(w.db, moved))!.company!.dynamicsId).toBe(to);
    const nia = (await getPersonByDynamicsId(w.db, newContact))!;
    expect(nia.company!.fields.company).toBe('Fresh Ventures');
    expect(await activitiesOf(w, nia.id, ActivityType.NewLead)).toHaveLength(1);
  });

  it('links a contact that arrives before its account once the account arrives', async () => {
    const w = await open();
    await w.cycle();
    const accountId = await w.rep.create('accounts', { name: 'Late Arrivals Ltd' });
    const contactId = await w.rep.create('contacts', {
      lastname: 'Early',
      emailaddress1: 'early@late.example',
      'parentcustomerid_account@odata.bind': `/accounts(${accountId})`,
    });
    // The sync user loses read on accounts for one cycle: accounts fail, contacts go on.
    w.admin.setTableRead('sync@contoso.test', 'account', false);
    const first = await w.cycle();
    expect(first.tables.find((t) => t.entity === 'account')!.status).toBe('failed');
    const status = await buildStatus(w.db, null);
    expect(status.tables.map((t) => [t.table, t.lastCycle?.status])).toEqual([
      ['systemuser', 'success'],
      ['account', 'failed'],
      ['contact', 'success'],
      ['lead', 'success'],
      ['opportunity', 'success'],
      ['connection', 'success'],
    ]);
    const early = (await getPersonByDynamicsId(w.db, contactId))!;
    expect(early.accountId).toBe(accountId);
    expect(early.company).toBeNull();

    w.admin.setTableRead('sync@contoso.test', 'account', true);
    await w.cycle();
    expect((await getPersonByDynamicsId(w.db, contactId))!.company!.fields.company).toBe('Late Arrivals Ltd');
  });

  it('keeps deleted contacts and accounts, marked deleted in Dynamics', async () => {
    const w = await open();
    await w.cycle();
    const { accountId, persons } = await accountWithPersons(w, 2);
    const contactId = persons[0]!;
    await w.rep.remove('contacts', contactId);
    await w.rep.remove('accounts', accountId);
    const result = await w.cycle();
    expect(result.tables.find((t) => t.entity === 'account')).toMatchObject({ deleted: 1 });
    const gone = (await getPersonByDynamicsId(w.db, contactId))!;
    expect(gone.dynamicsDeleted).toBe(true);
    expect(gone.fields.lastName).toBeDefined();
    expect((await getCompanyByDynamicsId(w.db, accountId))!.dynamicsDeleted).toBe(true);
  });
});
