/**
 * Issue 11 section 1: opportunities and their contact roles sync one way, with change tracking,
 * against the emulator as Dynamics, on PGlite and PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { ActivityType } from '../../src/domain/index.js';
import { STAKEHOLDER_ROLE_ID } from '../../src/emulator/data/seed-stakeholders.js';
import {
  getOpportunityByDynamicsId,
  getPersonByDynamicsId,
  listActivities,
  listOpportunities,
  listOpportunityRoles,
} from '../../src/store/records/index.js';
import { describeWorlds, emulatorRows, type World } from './world.js';

/** A contact with an account and one without, from the emulator. */
async function contacts(w: World): Promise<{ withAccount: Row; orphan: Row; other: Row }> {
  const rows = await emulatorRows(w, 'contacts', ['contactid', '_parentcustomerid_value']);
  const withAccount = rows.filter((r) => typeof r._parentcustomerid_value === 'string');
  const orphan = rows.find((r) => r._parentcustomerid_value === null)!;
  return { withAccount: withAccount[0]!, orphan, other: withAccount[1]! };
}
type Row = Record<string, unknown>;

async function newOpportunity(w: World, customer: { contact?: string; account?: string }, extra: Row = {}) {
  const id = randomUUID();
  await w.rep.create('opportunities', {
    opportunityid: id,
    name: 'Fleet renewal',
    estimatedvalue: 120_000,
    closeprobability: 40,
    ...(customer.contact ? { 'customerid_contact@odata.bind': `/contacts(${customer.contact})` } : {}),
    ...(customer.account ? { 'customerid_account@odata.bind': `/accounts(${customer.account})` } : {}),
    ...extra,
  });
  return id;
}

async function addStakeholder(w: World, opportunityId: string, contactId: string): Promise<string> {
  const id = randomUUID();
  await w.rep.create('connections', {
    connectionid: id,
    'record1id_opportunity@odata.bind': `/opportunities(${opportunityId})`,
    'record2id_contact@odata.bind': `/contacts(${contactId})`,
    'record2roleid@odata.bind': `/connectionroles(${STAKEHOLDER_ROLE_ID})`,
  });
  return id;
}

const personId = async (w: World, contactId: string) => (await getPersonByDynamicsId(w.db, contactId))!.id;
const rolesOf = async (w: World, opportunityId: string) =>
  (await listOpportunityRoles(w.db, { kind: 'opportunities', values: [opportunityId] })).map((r) => ({
    personId: r.personId,
    role: r.role,
  }));

describeWorlds('opportunities from Dynamics', ({ open }) => {
  it('the initial sync stores every opportunity with its company and contact roles, writing nothing', async () => {
    // 40 accounts: 10 opportunities, some sold to contacts, some with stakeholders.
    const w = await open({ seed: 40 });
    const result = await w.cycle();
    expect(result.tables.map((t) => [t.entity, t.status])).toEqual([
      ['systemuser', 'success'],
      ['account', 'success'],
      ['contact', 'success'],
      ['lead', 'success'],
      ['opportunity', 'success'],
      ['connection', 'success'],
    ]);
    const dyn = await emulatorRows(w, 'opportunities', ['opportunityid', 'name', '_customerid_value']);
    const stored = await listOpportunities(w.db, { kind: 'all' }, { afterId: 0, limit: 1000 });
    expect(stored).toHaveLength(dyn.length);
    const contactsById = new Map(
      (await emulatorRows(w, 'contacts', ['contactid', '_parentcustomerid_value'])).map((c) => [c.contactid, c]),
    );
    let contactCustomers = 0;
    for (const o of stored) {
      expect(o.fields).toHaveProperty('name');
      expect(o.fields).toHaveProperty('estimatedValue');
      if (o.customerType === 'contact') {
        contactCustomers++;
        const contact = contactsById.get(o.customerDynamicsId)!;
        expect(o.companyDynamicsId).toBe(contact._parentcustomerid_value ?? null);
        const roles = await rolesOf(w, o.dynamicsId);
        expect(roles[0]).toEqual({ personId: await personId(w, o.customerDynamicsId!), role: 'Potential Customer' });
      } else {
        expect(o.customerType).toBe('account');
        expect(o.companyDynamicsId).toBe(o.customerDynamicsId);
      }
    }
    expect(contactCustomers).toBeGreaterThan(0);
    const masters = await emulatorRows(w, 'connections', ['connectionid', '_record1id_value'], 'ismaster eq true');
    const stakeholderRoles = await w.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM opportunity_connections WHERE NOT dynamics_deleted`,
    );
    expect(stakeholderRoles.rows[0]!.n).toBe(masters.length);
    for (const method of ['POST', 'PATCH', 'DELETE']) {
      expect(w.admin.requestCount('opportunities', method)).toBe(0);
      expect(w.admin.requestCount('connections', method)).toBe(0);
    }
  });

  it('applies the association rules: a contact customer, an account customer, stakeholders', async () => {
    const w = await open();
    await w.cycle();
    const { withAccount, orphan, other } = await contacts(w);
    const soldToContact = await newOpportunity(w, { contact: withAccount.contactid as string });
    const soldToOrphan = await newOpportunity(w, { contact: orphan.contactid as string });
    const soldToAccount = await newOpportunity(w, { account: other._parentcustomerid_value as string });
    await addStakeholder(w, soldToAccount, other.contactid as string);
    await addStakeholder(w, soldToContact, other.contactid as string);
    // The customer named again as a stakeholder is no new stakeholder: no second role.
    await addStakeholder(w, soldToContact, withAccount.contactid as string);
    await w.cycle();

    const a = (await getOpportunityByDynamicsId(w.db, soldToContact))!;
    expect(a).toMatchObject({ customerType: 'contact', companyDynamicsId: withAccount._parentcustomerid_value });
    expect(await rolesOf(w, soldToContact)).toEqual([
      { personId: await personId(w, withAccount.contactid as string), role: 'Potential Customer' },
      { personId: await personId(w, other.contactid as string), role: 'Stakeholder' },
    ]);
    expect((await getOpportunityByDynamicsId(w.db, soldToOrphan))!.companyDynamicsId).toBeNull();
    expect(await rolesOf(w, soldToOrphan)).toEqual([
      { personId: await personId(w, orphan.contactid as string), role: 'Potential Customer' },
    ]);
    const c = (await getOpportunityByDynamicsId(w.db, soldToAccount))!;
    expect(c).toMatchObject({ customerType: 'account', companyDynamicsId: other._parentcustomerid_value });
    expect(await rolesOf(w, soldToAccount)).toEqual([
      { personId: await personId(w, other.contactid as string), role: 'Stakeholder' },
    ]);
  });

  it('an opportunity change logs a Change Data Value on its contact-role people only', async () => {
    const w = await open();
    await w.cycle();
    const { withAccount, other, orphan } = await contacts(w);
    const opp = await newOpportunity(w, { contact: withAccount.contactid as string });
    await addStakeholder(w, opp, other.contactid as string);
    await w.cycle();
    await w.rep.update('opportunities', opp, { estimatedvalue: 250_000, closeprobability: 80 });
    const result = await w.cycle();
    expect(result.tables.find((t) => t.entity === 'opportunity')).toMatchObject({ updated: 1, activities: 4 });
    for (const contactId of [withAccount.contactid, other.contactid] as string[]) {
      const cdv = await listActivities(w.db, {
        personId: await personId(w, contactId),
        typeId: ActivityType.ChangeDataValue,
      });
      expect(cdv.map((x) => x.attributes).sort((x, y) => String(x.field).localeCompare(String(y.field)))).toEqual([
        expect.objectContaining({
          field: 'closeProbability',
          oldValue: 40,
          newValue: 80,
          entity: 'opportunity',
          opportunityId: opp,
        }),
        expect.objectContaining({
          field: 'estimatedValue',
          oldValue: 120_000,
          newValue: 250_000,
          reason: 'Opportunity updated in Dynamics',
        }),
      ]);
    }
    const bystander = await listActivities(w.db, {
      personId: await personId(w, orphan.contactid as string),
      typeId: ActivityType.ChangeDataValue,
    });
    expect(bystander).toEqual([]);
    expect((await getOpportunityByDynamicsId(w.db, opp))!.fields).toMatchObject({
      estimatedValue: 250_000,
      closeProbability: 80,
    });
  });

  it('follows a contact that moves account; a deleted opportunity is flagged and kept with its roles', async () => {
    const w = await open();
    await w.cycle();
    const { withAccount, other } = await contacts(w);
    const opp = await newOpportunity(w, { contact: withAccount.contactid as string });
    const link = await addStakeholder(w, opp, other.contactid as string);
    await w.cycle();
    const newAccount = other._parentcustomerid_value as string;
    await w.rep.update('contacts', withAccount.contactid as string, {
      'parentcustomerid_account@odata.bind': `/accounts(${newAccount})`,
    });
    await w.rep.remove('connections', link);
    await w.cycle();
    expect((await getOpportunityByDynamicsId(w.db, opp))!.companyDynamicsId).toBe(newAccount);
    expect(await rolesOf(w, opp)).toEqual([
      { personId: await personId(w, withAccount.contactid as string), role: 'Potential Customer' },
    ]);

    await w.rep.remove('opportunities', opp);
    await w.cycle();
    expect((await getOpportunityByDynamicsId(w.db, opp))!).toMatchObject({
      deleted: true,
      fields: { name: 'Fleet renewal' },
    });
    expect(await rolesOf(w, opp)).toHaveLength(1);
  });

  it('a deleted contact: Dynamics deletes its opportunities with it; both are flagged, kept, linked', async () => {
    const w = await open();
    await w.cycle();
    const { orphan } = await contacts(w);
    const opp = await newOpportunity(w, { contact: orphan.contactid as string });
    await w.cycle();
    await w.rep.remove('contacts', orphan.contactid as string);
    await w.cycle();
    const person = (await getPersonByDynamicsId(w.db, orphan.contactid as string))!;
    expect(person.dynamicsDeleted).toBe(true);
    expect((await getOpportunityByDynamicsId(w.db, opp))!.deleted).toBe(true);
    expect(await rolesOf(w, opp)).toEqual([{ personId: person.id, role: 'Potential Customer' }]);
  });
});
