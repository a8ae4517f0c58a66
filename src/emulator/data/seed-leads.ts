/**
 * Leads: every column of the default lead mapping (behavior reference 2.10) filled the way a sales
 * team's data looks: most open, some qualified (each with the contact it became) or disqualified,
 * a third at companies that are already accounts.
 */
import { prngGuid } from './prng.js';
import type { SeededAccounts } from './seed-customers.js';
import type { SeedContext } from './seed.js';
import { companyName, companySize, domainOf, email, FREE_MAIL, phone, PRODUCTS } from './seed-values.js';
import { SeedWriter } from './seed-writer.js';

const SUBJECTS = ['Interested in', 'Inquiry about', 'Demo request:', 'Pricing for', 'Trial of'];
const SALUTATIONS = ['Mr.', 'Ms.', 'Mrs.', 'Dr.', null, null, null];
const NOTES = [
  'Met at the trade show booth.',
  'Downloaded the pricing sheet.',
  'Asked for a call back next quarter.',
  'Referred by an existing customer.',
  null,
  null,
];

/** Lead life cycle: 70% open (New/Contacted), 20% qualified, 10% disqualified. */
function leadState(r: SeedContext['r']): { state: number; status: number } {
  const x = r.next();
  if (x < 0.7) return { state: 0, status: 1 + r.int(2) };
  if (x < 0.9) return { state: 1, status: 3 };
  return { state: 2, status: 4 + r.int(4) };
}

export function seedLeads(ctx: SeedContext, n: number, accounts: SeededAccounts, contacts: Int32Array): void {
  const { db, r, pools } = ctx;
  const accountStore = db.store('account')!;
  const contactStore = db.store('contact')!;
  const accName = accountStore.column('name')!;
  const w = new SeedWriter(db.store('lead')!, db, r, n);
  const c = w.cols({
    subject: 'subject',
    salutation: 'salutation',
    first: 'firstname',
    middle: 'middlename',
    last: 'lastname',
    full: 'fullname',
    company: 'companyname',
    mail: 'emailaddress1',
    job: 'jobtitle',
    tel: 'telephone1',
    home: 'telephone2',
    mobile: 'mobilephone',
    fax: 'fax',
    web: 'websiteurl',
    line1: 'address1_line1',
    line2: 'address1_line2',
    city: 'address1_city',
    state: 'address1_stateorprovince',
    zip: 'address1_postalcode',
    country: 'address1_country',
    industry: 'industrycode',
    revenue: 'revenue',
    employees: 'numberofemployees',
    source: 'leadsourcecode',
    quality: 'leadqualitycode',
    method: 'preferredcontactmethodcode',
    notes: 'description',
  });
  const parent = w.ref('parentaccountid');
  const origin = contactStore.lookup('originatingleadid')!;
  for (let i = 0; i < n; i++) {
    const state = leadState(r);
    const row = w.add(prngGuid(r), r.pick(ctx.owners), false, state);
    const first = r.pick(pools.firstNames);
    const last = r.pick(pools.lastNames);
    const existing = accounts.rows.length > 0 && r.chance(0.3) ? r.int(accounts.rows.length) : -1;
    const company = existing >= 0 ? (accName.get(accounts.rows[existing]!) as string) : companyName(r, pools);
    const domain = existing >= 0 ? accounts.domains[existing]! : domainOf(company);
    const place = r.pick(pools.places);
    const size = companySize(r);
    c.subject.set(row, `${r.pick(SUBJECTS)} ${r.pick(PRODUCTS)}`);
    c.salutation.set(row, r.pick(SALUTATIONS));
    c.first.set(row, first);
    if (r.chance(0.1)) c.middle.set(row, r.pick(pools.firstNames));
    c.last.set(row, last);
    c.full.set(row, `${first} ${last}`);
    c.company.set(row, company);
    c.mail.set(row, email(first, last, r.chance(0.85) ? domain : r.pick(FREE_MAIL)));
    c.job.set(row, r.pick(pools.jobTitles));
    c.tel.set(row, phone(r));
    if (r.chance(0.2)) c.home.set(row, phone(r));
    if (r.chance(0.5)) c.mobile.set(row, phone(r));
    if (r.chance(0.05)) c.fax.set(row, phone(r));
    c.web.set(row, `https://www.${domain}`);
    c.line1.set(row, r.pick(pools.streets));
    if (r.chance(0.1)) c.line2.set(row, `Suite ${r.between(100, 999)}`);
    c.city.set(row, place.city);
    c.state.set(row, place.state);
    c.zip.set(row, place.postalCode);
    c.country.set(row, place.country);
    c.industry.set(row, 1 + r.int(33));
    c.revenue.set(row, size.revenue);
    c.employees.set(row, Math.min(size.employees, 1_000_000));
    c.source.set(row, 1 + r.int(10));
    c.quality.set(row, 1 + r.int(3));
    c.method.set(row, r.chance(0.7) ? 1 : 2 + r.int(4));
    c.notes.set(row, r.pick(NOTES));
    if (existing >= 0) parent.setRef(row, accountStore.ids[accounts.rows[existing]!]!, 'account');
    w.booleans(row, {
      donotemail: r.chance(0.05),
      donotbulkemail: r.chance(0.1),
      donotphone: r.chance(0.03),
      donotfax: r.chance(0.2),
      donotsendmm: r.chance(0.05),
    });
    // A qualified lead became a contact: the contact remembers its originating lead, as QualifyLead leaves it.
    if (state.state === 1 && contacts.length > 0) {
      const contactRow = contacts[r.int(contacts.length)]!;
      if (origin.get(contactRow) === null) origin.setRef(contactRow, w.store.ids[row]!, 'lead');
    }
  }
}
