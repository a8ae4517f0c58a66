/**
 * The custom tables of the medium and large seeds, as an organization's own customizations look:
 * event registrations of contacts (about three per ten contacts) and product interests of accounts
 * (about eight per ten accounts). Generated with their own random stream after every other table,
 * so the standard tables of a seed are the same rows with or without them.
 */
import type { SchemaRegistry } from '../context.js';
import type { CustomTableSpec } from '../faults/tables.js';
import { customTable } from '../faults/tables.js';
import type { SeedName } from '../options.js';
import { Prng, prngGuid } from './prng.js';
import type { SeededAccounts } from './seed-customers.js';
import type { SeedContext } from './seed.js';
import { PRODUCTS } from './seed-values.js';
import { SEED_ANCHOR, SeedWriter } from './seed-writer.js';

const DAY = 86_400_000;

export const SEED_CUSTOM_TABLES: readonly CustomTableSpec[] = [
  {
    logicalName: 'new_event_registration',
    displayName: 'Event Registration',
    columns: [
      { logicalName: 'new_contactid', type: 'Lookup', targets: ['contact'], displayName: 'Contact' },
      { logicalName: 'new_eventdate', type: 'DateTime', dateOnly: true, displayName: 'Event Date' },
      { logicalName: 'new_attended', type: 'Boolean', displayName: 'Attended' },
      {
        logicalName: 'new_registrationtype',
        type: 'Picklist',
        displayName: 'Registration Type',
        options: [
          { value: 100_000_000, label: 'Webinar' },
          { value: 100_000_001, label: 'Conference' },
          { value: 100_000_002, label: 'Workshop' },
          { value: 100_000_003, label: 'Trade Show' },
        ],
      },
      { logicalName: 'new_fee', type: 'Money', displayName: 'Fee' },
    ],
  },
  {
    logicalName: 'new_product_interest',
    displayName: 'Product Interest',
    columns: [
      { logicalName: 'new_accountid', type: 'Lookup', targets: ['account'], displayName: 'Account' },
      {
        logicalName: 'new_interestlevel',
        type: 'Picklist',
        displayName: 'Interest Level',
        options: [
          { value: 100_000_000, label: 'Low' },
          { value: 100_000_001, label: 'Medium' },
          { value: 100_000_002, label: 'High' },
        ],
      },
      { logicalName: 'new_estimatedbudget', type: 'Money', displayName: 'Estimated Budget' },
    ],
  },
];

export const seedHasCustomTables = (seed: SeedName | number): boolean => seed === 'medium' || seed === 'large';

/** Adds the seed's custom tables to the schema (before the data plane creates its stores). */
export function addSeedCustomTables(schema: SchemaRegistry, seed: SeedName | number): void {
  if (!seedHasCustomTables(seed)) return;
  for (const spec of SEED_CUSTOM_TABLES) schema.addTable(customTable(spec));
}

const EVENTS = ['Customer Summit', 'Product Webinar', 'Partner Day', 'Roadshow', 'Hands-on Lab', 'Expo'];

export function seedCustomTables(
  ctx: SeedContext,
  seedValue: number,
  accounts: SeededAccounts,
  contacts: Int32Array,
): void {
  const { db } = ctx;
  const registrations = db.store('new_event_registration');
  const interests = db.store('new_product_interest');
  if (!registrations || !interests) return;
  const r = new Prng(seedValue ^ 0x5eed);
  const sub = { ...ctx, r };
  const contactStore = db.store('contact')!;
  const nReg = Math.round(contacts.length * 0.3);
  const w = new SeedWriter(registrations, db, r, nReg);
  const c = w.cols({
    name: 'new_name',
    date: 'new_eventdate',
    attended: 'new_attended',
    type: 'new_registrationtype',
    fee: 'new_fee',
  });
  const contact = w.ref('new_contactid');
  for (let i = 0; i < nReg && contacts.length > 0; i++) {
    const row = w.add(prngGuid(r), r.pick(sub.owners));
    const year = 2023 + r.int(3);
    c.name.set(row, `${r.pick(EVENTS)} ${year}`);
    contact.setRef(row, contactStore.ids[contacts[r.int(contacts.length)]!]!, 'contact');
    c.date.set(row, Math.floor((SEED_ANCHOR - r.int(900) * DAY) / DAY) * DAY);
    c.attended.set(row, r.chance(0.7));
    c.type.set(row, 100_000_000 + r.int(4));
    c.fee.set(row, r.chance(0.5) ? 0 : r.between(1, 20) * 50);
  }
  const accountStore = db.store('account')!;
  const nInt = Math.round(accounts.rows.length * 0.8);
  const wi = new SeedWriter(interests, db, r, nInt);
  const ci = wi.cols({ name: 'new_name', level: 'new_interestlevel', budget: 'new_estimatedbudget' });
  const account = wi.ref('new_accountid');
  for (let i = 0; i < nInt && accounts.rows.length > 0; i++) {
    const row = wi.add(prngGuid(r), r.pick(sub.owners));
    ci.name.set(row, r.pick(PRODUCTS));
    account.setRef(row, accountStore.ids[accounts.rows[r.int(accounts.rows.length)]!]!, 'account');
    ci.level.set(row, 100_000_000 + r.int(3));
    ci.budget.set(row, r.chance(0.3) ? null : r.between(1, 200) * 1000);
  }
}
