/** Opportunities: a smaller, realistic sales pipeline on top of the accounts. */
import { prngGuid } from './prng.js';
import type { SeededAccounts } from './seed-customers.js';
import type { SeedContext } from './seed.js';
import { PRODUCTS } from './seed-values.js';
import { SEED_ANCHOR, SeedWriter } from './seed-writer.js';

export function seedOpportunities(ctx: SeedContext, n: number, accounts: SeededAccounts, contacts: Int32Array): void {
  const { db, r } = ctx;
  if (accounts.rows.length === 0) return;
  const accountStore = db.store('account')!;
  const contactStore = db.store('contact')!;
  const accName = accountStore.column('name')!;
  const primary = accountStore.lookup('primarycontactid')!;
  const w = new SeedWriter(db.store('opportunity')!, db, r, n);
  const c = {
    ...w.cols({
      name: 'name',
      est: 'estimatedvalue',
      actual: 'actualvalue',
      estClose: 'estimatedclosedate',
      actualClose: 'actualclosedate',
      probability: 'closeprobability',
      rating: 'opportunityratingcode',
    }),
    customer: w.ref('customerid'),
    account: w.ref('parentaccountid'),
    contact: w.ref('parentcontactid'),
  };
  for (let i = 0; i < n; i++) {
    const x = r.next();
    const state =
      x < 0.7
        ? { state: 0, status: 1 + r.int(2) }
        : x < 0.85
          ? { state: 1, status: 3 }
          : { state: 2, status: 4 + r.int(2) };
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
