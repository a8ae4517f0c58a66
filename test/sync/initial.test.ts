/**
 * Issue 3, items 1-3 and 6 (initial part): the first cycle leaves a lead database that matches the
 * emulator record for record, logs one New Lead per person and no Change Data Value, and writes
 * nothing to Dynamics.
 */
import { expect, it } from 'vitest';
import { ActivityType } from '../../src/domain/index.js';
import { countRecords, getCompanyByDynamicsId, getPersonByDynamicsId } from '../../src/store/records/index.js';
import { dynamicsPersonCount, emulatorRows, describeWorlds, type World } from './world.js';

const WRITES = ['POST', 'PATCH', 'DELETE', 'PUT'];

/** Every write the emulator received, as `entitySet METHOD` (should be none from the sync). */
function writesSeen(w: World): string[] {
  const snap = w.admin.requestCounts();
  return Object.entries(snap).flatMap(([resource, byMethod]) =>
    Object.entries(byMethod)
      .filter(([m, n]) => WRITES.includes(m) && n > 0)
      .map(([m]) => `${resource} ${m}`),
  );
}

describeWorlds('initial sync', ({ open }) => {
  it('turns accounts into companies, contacts into linked people, users into sales persons, writing nothing to Dynamics', async () => {
    const w = await open({ seed: 8 });
    w.admin.resetRequestCounts();
    const result = await w.cycle();
    expect(result.status).toBe('success');
    expect(result.tables.map((t) => [t.entity, t.fullRead])).toEqual([
      ['systemuser', true],
      ['account', true],
      ['contact', true],
      ['lead', true],
      ['opportunity', true],
      ['connection', true],
    ]);
    expect(writesSeen(w)).toEqual([]);

    const accounts = await emulatorRows(w, 'accounts', [
      'accountid',
      'name',
      'address1_city',
      'numberofemployees',
      'revenue',
      'websiteurl',
      '_ownerid_value',
    ]);
    const contacts = await emulatorRows(w, 'contacts', [
      'contactid',
      'firstname',
      'lastname',
      'emailaddress1',
      '_parentcustomerid_value',
      '_ownerid_value',
    ]);
    const users = await emulatorRows(w, 'systemusers', ['systemuserid', 'fullname', 'internalemailaddress']);
    const counts = await countRecords(w.db);
    expect(counts.companies).toBe(accounts.length);
    expect(counts.persons).toBe(await dynamicsPersonCount(w));
    expect(counts.salesPersons).toBe(users.length);

    for (const a of accounts) {
      const c = await getCompanyByDynamicsId(w.db, a.accountid as string);
      expect(c, `company for account ${a.accountid as string}`).not.toBeNull();
      expect(c!.fields).toMatchObject({
        company: a.name,
        billingCity: a.address1_city,
        numberOfEmployees: a.numberofemployees,
        annualRevenue: a.revenue,
        website: a.websiteurl,
      });
      expect(c!.ownerId).toBe(a._ownerid_value);
    }
    const linked = contacts.filter((c) => c._parentcustomerid_value);
    expect(linked.length).toBeGreaterThan(contacts.length / 2);
    for (const c of contacts) {
      const p = await getPersonByDynamicsId(w.db, c.contactid as string);
      expect(p!.fields).toMatchObject({ firstName: c.firstname, lastName: c.lastname });
      expect(p!.email).toBe(c.emailaddress1 ?? null);
      expect(p!.ownerId).toBe(c._ownerid_value);
      const parent = (c._parentcustomerid_value as string | null) ?? null;
      if (parent && accounts.some((a) => a.accountid === parent)) {
        expect(p!.company?.dynamicsId).toBe(parent);
        expect(p!.company?.fields.company).toBe(accounts.find((a) => a.accountid === parent)!.name);
      }
    }
    const owners = await w.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM companies c JOIN sales_persons s ON s.dynamics_id = c.owner_dynamics_id`,
    );
    expect(owners.rows[0]!.n).toBe(accounts.length);
  });

  it('logs one New Lead per person and no Change Data Value on the initial sync; a second cycle reads only deltas', async () => {
    const w = await open({ seed: 4 });
    await w.cycle();
    const counts = await countRecords(w.db);
    const byType = await w.db.query<{ type_id: number; n: number; persons: number }>(
      'SELECT type_id, count(*)::int AS n, count(DISTINCT person_id)::int AS persons FROM activities GROUP BY type_id',
    );
    expect(byType.rows).toEqual([{ type_id: ActivityType.NewLead, n: counts.persons, persons: counts.persons }]);

    w.admin.resetRequestCounts();
    const second = await w.cycle();
    expect(second.tables.every((t) => !t.fullRead && t.inserted + t.updated + t.deleted === 0)).toBe(true);
    // One delta request per table when nothing changed.
    for (const set of ['systemusers', 'accounts', 'contacts', 'leads'])
      expect(w.admin.requestCount(set, 'GET')).toBe(1);
    expect((await countRecords(w.db)).activities).toBe(counts.activities);
  });
});
