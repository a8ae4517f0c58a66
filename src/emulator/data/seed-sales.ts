/** Leads and opportunities: a smaller, realistic sales pipeline on top of the accounts. */
import { prngGuid } from './prng.js';
import type { SeededAccounts } from './seed-customers.js';
import type { SeedContext } from './seed.js';
import { companyName, companySize, domainOf, email, phone, PRODUCTS } from './seed-values.js';
import { SEED_ANCHOR, SeedWriter } from './seed-writer.js';

const SUBJECTS = ['Interested in', 'Inquiry about', 'Demo request:', 'Pricing for', 'Trial of'];

/** Lead life cycle: 70% open (New/Contacted), 20% qualified, 10% disqualified. */
function leadState(r: SeedContext['r']): { state: number; status: number } {
  const x = r.next();
  if (x < 0.7) return { state: 0, status: 1 + r.int(2) };
  if (x < 0.9) return { state: 1, status: 3 };
  return { state: 2, status: 4 + r.int(4) };
}

export function seedLeads(ctx: SeedContext, n: number, accounts: SeededAccounts): void {
  const { db, r, pools } = ctx;
  const accountStore = db.store('account')!;
  const accName = accountStore.column('name')!;
  const w = new SeedWriter(db.store('lead')!, db, r, n);
  const c = {
    subject: w.col('subject'), first: w.col('firstname'), last: w.col('lastname'), full: w.col('fullname'),
    company: w.col('companyname'), mail: w.col('emailaddress1'), job: w.col('jobtitle'), tel: w.col('telephone1'),
    web: w.col('websiteurl'), city: w.col('address1_city'), country: w.col('address1_country'),
    industry: w.col('industrycode'), revenue: w.col('revenue'), employees: w.col('numberofemployees'),
    source: w.col('leadsourcecode'), quality: w.col('leadqualitycode'), parent: w.ref('parentaccountid'),
    noMail: w.col('donotemail'), noBulk: w.col('donotbulkemail'), noPhone: w.col('donotphone'),
  };
  for (let i = 0; i < n; i++) {
    const row = w.add(prngGuid(r), r.pick(ctx.owners), false, leadState(r));
    const first = r.pick(pools.firstNames);
    const last = r.pick(pools.lastNames);
    const existing = accounts.rows.length > 0 && r.chance(0.3) ? r.int(accounts.rows.length) : -1;
    const company = existing >= 0 ? (accName.get(accounts.rows[existing]!) as string) : companyName(r, pools);
    const domain = existing >= 0 ? accounts.domains[existing]! : domainOf(company);
    const place = r.pick(pools.places);
    const size = companySize(r);
    c.subject.set(row, `${r.pick(SUBJECTS)} ${r.pick(PRODUCTS)}`);
    c.first.set(row, first);
    c.last.set(row, last);
    c.full.set(row, `${first} ${last}`);
    c.company.set(row, company);
    c.mail.set(row, email(first, last, domain));
    c.job.set(row, r.pick(pools.jobTitles));
    c.tel.set(row, phone(r));
    c.web.set(row, `https://www.${domain}`);
    c.city.set(row, place.city);
    c.country.set(row, place.country);
    c.industry.set(row, 1 + r.int(33));
    c.revenue.set(row, size.revenue);
    c.employees.set(row, Math.min(size.employees, 1_000_000));
    c.source.set(row, 1 + r.int(10));
    c.quality.set(row, 1 + r.int(3));
    if (existing >= 0) c.parent.setRef(row, accountStore.ids[accounts.rows[existing]!]!, 'account');
    c.noMail.set(row, r.chance(0.05));
    c.noBulk.set(row, r.chance(0.1));
    c.noPhone.set(row, false);
  }
}

export function seedOpportunities(ctx: SeedContext, n: number, accounts: SeededAccounts, contacts: Int32Array): void {
  const { db, r } = ctx;
  if (accounts.rows.length === 0) return;
  const accountStore = db.store('account')!;
  const contactStore = db.store('contact')!;
  const accName = accountStore.column('name')!;
  const primary = accountStore.lookup('primarycontactid')!;
  const w = new SeedWriter(db.store('opportunity')!, db, r, n);
  const c = {
    name: w.col('name'), customer: w.ref('customerid'), account: w.ref('parentaccountid'), contact: w.ref('parentcontactid'),
    est: w.col('estimatedvalue'), actual: w.col('actualvalue'), estClose: w.col('estimatedclosedate'),
    actualClose: w.col('actualclosedate'), probability: w.col('closeprobability'), rating: w.col('opportunityratingcode'),
  };
  for (let i = 0; i < n; i++) {
    const x = r.next();
    const state = x < 0.7 ? { state: 0, status: 1 + r.int(2) } : x < 0.85 ? { state: 1, status: 3 } : { state: 2, status: 4 + r.int(2) };
    const row = w.add(prngGuid(r), r.pick(ctx.owners), false, state);
    const accRow = accounts.rows[r.int(accounts.rows.length)]!;
    const accId = accountStore.ids[accRow]!;
    const value = r.between(5, 500) * 1000;
    c.name.set(row, `${r.pick(PRODUCTS)} for ${accName.get(accRow) as string}`);
    c.customer.setRef(row, accId, 'account');
    c.account.setRef(row, accId, 'account');
    const contactId = primary.get(accRow);
    if (typeof contactId === 'string' && contacts.length > 0 && contactStore.rowOf(contactId) !== undefined) {
      c.contact.setRef(row, contactId, 'contact');
    }
    c.est.set(row, value);
    const close = Math.floor((SEED_ANCHOR + (r.int(240) - 60) * 86_400_000) / 86_400_000) * 86_400_000;
    c.estClose.set(row, close);
    c.probability.set(row, state.state === 1 ? 100 : state.state === 2 ? 0 : 10 * r.between(1, 9));
    c.rating.set(row, 1 + r.int(3));
    if (state.state === 1) {
      c.actual.set(row, Math.round(value * (0.8 + r.next() * 0.4)));
      c.actualClose.set(row, close);
    }
  }
}
