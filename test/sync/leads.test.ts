/**
 * Issue 10, item 1: Dynamics leads become persons (Microsoft Type Lead, created date, deleted flag),
 * their company fields are their own columns (no account fan-out), and a qualified lead's contact
 * keeps the person (same id, type Contact, activities kept), whichever table is read first.
 *
 * Qualify is played here as QualifyLead does it (the lead turns Qualified, a contact is created with
 * originatingleadid) with two rep requests, in either order, as a client or plug-in can do it.
 */
import { expect, it } from 'vitest';
import { ActivityType } from '../../src/domain/index.js';
import { getPersonByDynamicsId, listActivities } from '../../src/store/records/index.js';
import { describeWorlds, openLeadIds, emulatorRows, type World } from './world.js';

interface PersonRow {
  id: string;
  dynamics_type: string;
  dynamics_created_on: Date | null;
  dynamics_deleted: boolean;
  dynamics_lead_id: string | null;
  dynamics_version: string | null;
}

async function personRow(w: World, dynamicsId: string): Promise<PersonRow | undefined> {
  const r = await w.db.query<PersonRow>(
    'SELECT id::text, dynamics_type, dynamics_created_on, dynamics_deleted, dynamics_lead_id, dynamics_version::text FROM persons WHERE dynamics_id = $1',
    [dynamicsId],
  );
  return r.rows[0];
}

/** What QualifyLead does: a contact from the lead (originatingleadid), then the lead turns Qualified. */
async function qualify(
  w: World,
  leadId: string,
  order: 'contact-first' | 'lead-first' = 'contact-first',
): Promise<string> {
  const createContact = () =>
    w.rep.create('contacts', {
      firstname: 'Quinn',
      lastname: 'Qualified',
      emailaddress1: 'quinn@qualified.example',
      'originatingleadid@odata.bind': `/leads(${leadId})`,
    });
  if (order === 'lead-first') await w.rep.update('leads', leadId, { statecode: 1, statuscode: 3 });
  const contactId = await createContact();
  if (order === 'contact-first') await w.rep.update('leads', leadId, { statecode: 1, statuscode: 3 });
  return contactId;
}

describeWorlds('leads become persons', ({ open }) => {
  it('syncs every lead into persons with type Lead, its created date and its own company fields', async () => {
    const w = await open();
    await w.cycle();
    const leads = await emulatorRows(w, 'leads', ['leadid', 'companyname', 'lastname', 'createdon', 'statecode']);
    const origins = new Map(
      (await emulatorRows(w, 'contacts', ['contactid', '_originatingleadid_value']))
        .filter((c) => c._originatingleadid_value)
        .map((c) => [c._originatingleadid_value as string, c.contactid as string]),
    );
    const open_ = leads.filter((l) => !origins.has(l.leadid as string));
    expect(open_.length).toBeGreaterThan(0);
    expect(origins.size).toBeGreaterThan(0); // the seed holds qualified leads that became contacts
    for (const l of open_) {
      const p = (await getPersonByDynamicsId(w.db, l.leadid as string))!;
      expect(p.dynamicsType).toBe('Lead');
      expect(p.fields).toMatchObject({ company: l.companyname ?? null, lastName: l.lastname ?? null });
      expect(p.accountId).toBeNull();
      const row = (await personRow(w, l.leadid as string))!;
      expect(row.dynamics_created_on?.toISOString()).toBe(new Date(l.createdon as string).toISOString());
      expect(row.dynamics_lead_id).toBe(l.leadid);
      expect(Number(row.dynamics_version)).toBeGreaterThan(0);
    }
    // A seeded qualified lead is one person: its contact, which remembers the lead.
    for (const [leadId, contactId] of origins) {
      const rows = await w.db.query<{ dynamics_id: string; dynamics_type: string }>(
        'SELECT dynamics_id, dynamics_type FROM persons WHERE dynamics_lead_id = $1 OR dynamics_id = $1',
        [leadId],
      );
      expect(rows.rows).toEqual([{ dynamics_id: contactId, dynamics_type: 'Contact' }]);
    }
    const welcomed = await listActivities(w.db, {
      personId: (await getPersonByDynamicsId(w.db, open_[0]!.leadid as string))!.id,
      typeId: ActivityType.NewLead,
    });
    expect(welcomed.map((a) => a.attributes)).toEqual([expect.objectContaining({ sourceType: 'Dynamics lead' })]);
  });

  it('logs lead changes on the lead person only, and marks a lead deleted in Dynamics without deleting it', async () => {
    const w = await open();
    await w.cycle();
    const [a, b] = (await openLeadIds(w, 2)) as [string, string];
    await w.rep.update('leads', a, { companyname: 'Lead Co Renamed' });
    await w.rep.remove('leads', b);
    await w.cycle();
    const pa = (await getPersonByDynamicsId(w.db, a))!;
    expect(pa.fields.company).toBe('Lead Co Renamed');
    const cdv = await listActivities(w.db, { typeId: ActivityType.ChangeDataValue });
    expect(cdv.map((x) => [x.personId, x.attributes.field, x.attributes.reason])).toEqual([
      [pa.id, 'company', 'Lead updated in Dynamics'],
    ]);
    expect((await personRow(w, b))!.dynamics_deleted).toBe(true);
  });

  for (const order of ['contact-first', 'lead-first'] as const) {
    it(`a qualified lead's contact keeps the person, its id and its activities (${order})`, async () => {
      const w = await open();
      await w.saveFields('contact');
      await w.cycle();
      const leadId = (await openLeadIds(w, 1))[0]!;
      const before = (await getPersonByDynamicsId(w.db, leadId))!;
      const history = await listActivities(w.db, { personId: before.id });
      const persons = Number((await w.db.query<{ n: number }>('SELECT count(*)::int AS n FROM persons')).rows[0]!.n);

      const contactId = await qualify(w, leadId, order);
      await w.cycle();
      await w.cycle();
      const after = (await getPersonByDynamicsId(w.db, contactId))!;
      expect(after.id).toBe(before.id);
      expect(after.dynamicsType).toBe('Contact');
      expect(after.fields).toMatchObject({ lastName: 'Qualified', email: 'quinn@qualified.example' });
      expect(await getPersonByDynamicsId(w.db, leadId)).toBeNull();
      expect((await personRow(w, contactId))!.dynamics_lead_id).toBe(leadId);
      expect(Number((await w.db.query<{ n: number }>('SELECT count(*)::int AS n FROM persons')).rows[0]!.n)).toBe(
        persons,
      );
      const kept = await listActivities(w.db, { personId: after.id });
      expect(kept.slice(0, history.length).map((x) => x.id)).toEqual(history.map((x) => x.id));
      expect(kept.filter((x) => x.typeId === ActivityType.NewLead)).toHaveLength(1);
    });
  }

  it('QualifyLead (the bound action, with a new account) turns the lead person into the contact it created', async () => {
    const w = await open();
    await w.saveFields('contact');
    await w.cycle();
    const leadId = (await openLeadIds(w, 1))[0]!;
    const before = (await getPersonByDynamicsId(w.db, leadId))!;
    await w.rep.qualifyLead(leadId, { CreateAccount: true, CreateContact: true, CreateOpportunity: false, Status: 3 });
    await w.cycle();
    const made = (
      await emulatorRows(
        w,
        'contacts',
        ['contactid', '_originatingleadid_value', '_parentcustomerid_value'],
        `_originatingleadid_value eq ${leadId}`,
      )
    )[0]!;
    const after = (await getPersonByDynamicsId(w.db, made.contactid as string))!;
    expect(after.id).toBe(before.id);
    expect(after.dynamicsType).toBe('Contact');
    expect(after.accountId).not.toBeNull(); // linked to the account QualifyLead created, synced as a company
    expect(await getPersonByDynamicsId(w.db, leadId)).toBeNull();
  });

  it('a lead created and qualified between two cycles makes one person, the contact', async () => {
    const w = await open();
    await w.saveFields('contact');
    await w.cycle();
    const leadId = await w.rep.create('leads', {
      subject: 'Fresh',
      lastname: 'Fresh',
      emailaddress1: 'fresh@lead.example',
    });
    const contactId = await qualify(w, leadId);
    await w.cycle();
    await w.cycle();
    const rows = await w.db.query<{ id: string; dynamics_type: string }>(
      'SELECT id::text, dynamics_type FROM persons WHERE dynamics_id = ANY($1::uuid[]) OR dynamics_lead_id = $2',
      [[leadId, contactId], leadId],
    );
    expect(rows.rows).toEqual([{ id: expect.any(String), dynamics_type: 'Contact' }]);
  });
});
