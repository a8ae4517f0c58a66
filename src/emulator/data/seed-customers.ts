/** Accounts and their contacts: the bulk of every seed. */
import type { SeedPlan } from './seed-plan.js';
import { prngGuid } from './prng.js';
import type { SeedContext } from './seed.js';
import { companyName, companySize, domainOf, email, FREE_MAIL, phone } from './seed-values.js';
import { SeedWriter } from './seed-writer.js';

export interface SeededAccounts {
  rows: Int32Array;
  domains: string[];
}

export function seedAccounts(ctx: SeedContext, n: number): SeededAccounts {
  const { db, r, pools } = ctx;
  const w = new SeedWriter(db.store('account')!, db, r, n);
  const c = w.cols({
    name: 'name',
    number: 'accountnumber',
    web: 'websiteurl',
    tel: 'telephone1',
    mail: 'emailaddress1',
    line1: 'address1_line1',
    city: 'address1_city',
    state: 'address1_stateorprovince',
    zip: 'address1_postalcode',
    country: 'address1_country',
    industry: 'industrycode',
    type: 'customertypecode',
    category: 'accountcategorycode',
    revenue: 'revenue',
    credit: 'creditlimit',
    employees: 'numberofemployees',
    noMail: 'donotemail',
    noBulk: 'donotbulkemail',
    noPhone: 'donotphone',
  });
  const parent = w.ref('parentaccountid');
  const rows = new Int32Array(n);
  const domains: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const row = w.add(prngGuid(r), r.pick(ctx.owners), r.chance(0.04));
    const name = companyName(r, pools);
    const domain = domainOf(name);
    const place = r.pick(pools.places);
    const size = companySize(r);
    c.name.set(row, name);
    c.number.set(row, `AC-${100_000 + i}`);
    c.web.set(row, `https://www.${domain}`);
    c.tel.set(row, phone(r));
    c.mail.set(row, `info@${domain}`);
    c.line1.set(row, r.pick(pools.streets));
    c.city.set(row, place.city);
    c.state.set(row, place.state);
    c.zip.set(row, place.postalCode);
    c.country.set(row, place.country);
    c.industry.set(row, 1 + r.int(33));
    c.type.set(row, r.pick([3, 3, 3, 8, 8, 5, 9, 10, 11]));
    c.category.set(row, r.chance(0.3) ? 1 : 2);
    c.revenue.set(row, size.revenue);
    c.credit.set(row, r.chance(0.5) ? Math.round(size.revenue / 100_000) * 1000 : null);
    c.employees.set(row, size.employees);
    if (i > 10 && r.chance(0.05)) parent.setRef(row, db.store('account')!.ids[rows[r.int(i)]!]!, 'account');
    c.noMail.set(row, r.chance(0.05));
    c.noBulk.set(row, r.chance(0.1));
    c.noPhone.set(row, r.chance(0.03));
    rows[i] = row;
    domains[i] = domain;
  }
  return { rows, domains };
}

/** Which account each contact belongs to: the big accounts first, then random (uneven, like real data). */
function parentOf(i: number, big: number[], bigTotal: number, nAccounts: number, r: SeedContext['r']): number {
  if (i < bigTotal) {
    let k = 0;
    let acc = big[0]!;
    while (i >= acc) acc += big[++k]!;
    return k;
  }
  return r.chance(0.92) ? r.int(nAccounts) : -1;
}

export function seedContacts(ctx: SeedContext, accounts: SeededAccounts, plan: SeedPlan): Int32Array {
  const { db, r, pools } = ctx;
  const accountStore = db.store('account')!;
  const n = plan.contacts;
  const w = new SeedWriter(db.store('contact')!, db, r, n);
  const c = w.cols({
    first: 'firstname',
    last: 'lastname',
    full: 'fullname',
    mail: 'emailaddress1',
    mail2: 'emailaddress2',
    job: 'jobtitle',
    dept: 'department',
    tel: 'telephone1',
    mobile: 'mobilephone',
    birth: 'birthdate',
    gender: 'gendercode',
    method: 'preferredcontactmethodcode',
    noMail: 'donotemail',
    noBulk: 'donotbulkemail',
    noPhone: 'donotphone',
  });
  const parent = w.ref('parentcustomerid');
  const copy = [
    'address1_line1',
    'address1_city',
    'address1_stateorprovince',
    'address1_postalcode',
    'address1_country',
  ].map((name) => [accountStore.column(name)!, w.col(name)] as const);
  const primary = accountStore.lookup('primarycontactid')!;
  const accOwner = accountStore.lookup('ownerid')!;
  const bigTotal = plan.bigAccounts.reduce((a, b) => a + b, 0);
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = parentOf(i, plan.bigAccounts, bigTotal, accounts.rows.length, r);
    const accRow = a >= 0 ? accounts.rows[a]! : -1;
    const row = w.add(prngGuid(r), a >= 0 ? (accOwner.get(accRow) as string) : r.pick(ctx.owners), r.chance(0.05));
    const first = r.pick(pools.firstNames);
    const last = r.pick(pools.lastNames);
    c.first.set(row, first);
    c.last.set(row, last);
    c.full.set(row, `${first} ${last}`);
    c.mail.set(row, email(first, last, a >= 0 ? accounts.domains[a]! : r.pick(FREE_MAIL)));
    if (r.chance(0.15)) c.mail2.set(row, email(first, last, r.pick(FREE_MAIL)));
    c.job.set(row, r.pick(pools.jobTitles));
    c.dept.set(row, r.chance(0.6) ? r.pick(pools.departments) : null);
    c.tel.set(row, phone(r));
    if (r.chance(0.6)) c.mobile.set(row, phone(r));
    if (r.chance(0.5)) c.birth.set(row, Date.UTC(1950 + r.int(52), r.int(12), 1 + r.int(28)));
    if (r.chance(0.6)) c.gender.set(row, 1 + r.int(2));
    c.method.set(row, r.chance(0.7) ? 1 : 2 + r.int(4));
    c.noMail.set(row, r.chance(0.04));
    c.noBulk.set(row, r.chance(0.08));
    c.noPhone.set(row, r.chance(0.03));
    if (accRow >= 0) {
      parent.setRef(row, accountStore.ids[accRow]!, 'account');
      for (const [from, to] of copy) to.set(row, from.get(accRow) as string | null);
      if (primary.get(accRow) === null) primary.setRef(accRow, w.store.ids[row]!, 'contact');
    } else if (i > 0 && r.chance(0.3)) {
      parent.setRef(row, w.store.ids[rows[r.int(i)]!]!, 'contact');
    }
    rows[i] = row;
  }
  return rows;
}
