import { describe, expect, it } from 'vitest';
import { seedPlan } from '../../src/emulator/data/seed-plan.js';
import { startDataPlaneServer, USERS } from './helpers/data-plane-server.js';

type Row = Record<string, unknown>;

async function firstRows(seedValue: number, set: string, select: string): Promise<Row[]> {
  const s = await startDataPlaneServer({ seed: 20, seedValue });
  try {
    return ((await (await s.get(`${set}?$select=${select}&$top=25`)).json()) as { value: Row[] }).value;
  } finally {
    await s.close();
  }
}

describe('seed data', () => {
  it('is deterministic for a seed value and differs between seed values', async () => {
    const select = 'name,industrycode,revenue,numberofemployees,address1_city,websiteurl,createdon,_ownerid_value';
    const a = await firstRows(7, 'accounts', select);
    const b = await firstRows(7, 'accounts', select);
    const c = await firstRows(8, 'accounts', select);
    expect(a).toEqual(b);
    expect(a).toHaveLength(20);
    expect(c.map((r) => r.accountid)).not.toEqual(a.map((r) => r.accountid));
    expect(await firstRows(7, 'contacts', 'fullname,emailaddress1,_parentcustomerid_value')).toEqual(
      await firstRows(7, 'contacts', 'fullname,emailaddress1,_parentcustomerid_value'),
    );
  });

  it('small has 200 accounts, 2,000 contacts, leads, opportunities and users, and seeds fast', async () => {
    const started = performance.now();
    const s = await startDataPlaneServer({ seed: 'small' });
    const elapsed = performance.now() - started;
    try {
      expect(s.data.count('account')).toBe(200);
      expect(s.data.count('contact')).toBe(2000);
      expect(s.data.count('lead')).toBe(200);
      expect(s.data.count('opportunity')).toBe(50);
      expect(s.data.count('systemuser')).toBe(USERS.length + 20);
      expect(elapsed).toBeLessThan(1500);
    } finally {
      await s.close();
    }
  });

  it('is realistic: linked contacts, owners that are users, identity users as systemuser rows', async () => {
    const s = await startDataPlaneServer({ seed: 50 });
    try {
      const users = ((await (await s.get('systemusers?$select=domainname,fullname')).json()) as { value: Row[] }).value;
      for (const u of USERS)
        expect(users).toContainEqual(
          expect.objectContaining({ systemuserid: u.id, domainname: u.name, fullname: u.fullName }),
        );
      const userIds = new Set(users.map((u) => u.systemuserid));
      const contacts = (
        (await (
          await s.get('contacts?$select=_parentcustomerid_value,emailaddress1,_ownerid_value', {
            Prefer: 'odata.include-annotations="*"',
          })
        ).json()) as { value: Row[] }
      ).value;
      expect(contacts).toHaveLength(500);
      const toAccounts = contacts.filter(
        (c) => c['_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname'] === 'account',
      );
      expect(toAccounts.length / contacts.length).toBeGreaterThan(0.85);
      expect(contacts.every((c) => userIds.has(c._ownerid_value))).toBe(true);
      expect(
        contacts.every((c) => typeof c.emailaddress1 === 'string' && /^[a-z0-9.]+@[a-z0-9.]+$/.test(c.emailaddress1)),
      ).toBe(true);
      const accounts = (
        (await (
          await s.get('accounts?$select=industrycode,revenue,numberofemployees,address1_city,_primarycontactid_value')
        ).json()) as { value: Row[] }
      ).value;
      expect(new Set(accounts.map((a) => a.industrycode)).size).toBeGreaterThan(10);
      expect(accounts.every((a) => typeof a.revenue === 'number' && typeof a.address1_city === 'string')).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('seeds leads with every default lead column and qualified leads with the contact they became', async () => {
    const s = await startDataPlaneServer({ seed: 50 });
    try {
      const cols =
        'subject,salutation,firstname,lastname,emailaddress1,companyname,jobtitle,telephone1,mobilephone,address1_line1,address1_city,address1_stateorprovince,address1_postalcode,address1_country,leadsourcecode,industrycode,revenue,numberofemployees,websiteurl,description,donotemail,donotphone,donotbulkemail,donotfax,donotsendmm,preferredcontactmethodcode,leadqualitycode,statecode,statuscode,_ownerid_value,_parentaccountid_value,createdon';
      const leads = ((await (await s.get(`leads?$select=${cols}`)).json()) as { value: Row[] }).value;
      expect(leads).toHaveLength(50);
      for (const c of [
        'subject',
        'firstname',
        'lastname',
        'emailaddress1',
        'companyname',
        'address1_city',
        'leadsourcecode',
        'industrycode',
        'statecode',
        '_ownerid_value',
      ]) {
        expect(
          leads.every((l) => l[c] !== null && l[c] !== undefined),
          c,
        ).toBe(true);
      }
      expect(new Set(leads.map((l) => l.statecode))).toEqual(new Set([0, 1, 2]));
      expect(leads.some((l) => typeof l._parentaccountid_value === 'string')).toBe(true);
      const qualified = new Set(leads.filter((l) => l.statecode === 1).map((l) => l.leadid));
      const contacts = (
        (await (
          await s.get('contacts?$select=_originatingleadid_value&$filter=_originatingleadid_value ne null')
        ).json()) as { value: Row[] }
      ).value;
      expect(contacts.length).toBeGreaterThan(0);
      expect(contacts.every((c) => qualified.has(c._originatingleadid_value))).toBe(true);
    } finally {
      await s.close();
    }
  });

  it("'none' seeds only the users; a number N seeds N accounts with about ten contacts each", async () => {
    const none = await startDataPlaneServer({ seed: 'none' });
    expect([none.data.count('account'), none.data.count('contact'), none.data.count('systemuser')]).toEqual([
      0,
      0,
      USERS.length,
    ]);
    await none.close();
    const five = await startDataPlaneServer({ seed: 5 });
    expect([five.data.count('account'), five.data.count('contact')]).toEqual([5, 50]);
    await five.close();
  });

  it('plans medium and large with the documented sizes and a few accounts over 5,000 contacts', () => {
    const medium = seedPlan('medium');
    const large = seedPlan('large');
    expect([medium.accounts, medium.contacts, large.accounts, large.contacts]).toEqual([
      10_000, 100_000, 100_000, 1_000_000,
    ]);
    for (const p of [medium, large]) {
      expect(p.bigAccounts.length).toBeGreaterThanOrEqual(2);
      expect(p.bigAccounts.every((n) => n > 5000 && n <= 8000)).toBe(true);
    }
    expect(seedPlan(12_000).bigAccounts.every((n) => n > 5000)).toBe(true);
    expect(() => seedPlan(-1)).toThrow(RangeError);
  });
});
