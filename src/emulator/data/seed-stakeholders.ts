/**
 * The opportunities' people: the out-of-box connection roles, some opportunities whose potential
 * customer is a contact (with the contact's account, if any, as their account), and stakeholder
 * connections (opportunity → contact, with their reciprocal). A PRNG of its own, so the rows the
 * other seed steps draw stay what they were.
 */
// Seeded connections get the server-set columns a created one gets (connections.ts).
import { pairConnection as pairSeeded } from './connections.js';
import type { Database } from './database.js';
import { Prng, prngGuid } from './prng.js';
import { SeedWriter } from './seed-writer.js';

/** Fixed ids, as the roles every organization ships with have. */
export const STAKEHOLDER_ROLE_ID = '6a1f7a1c-4b0e-4a56-9b3a-1d7c1e000001';
const ROLES = [
  { id: STAKEHOLDER_ROLE_ID, name: 'Stakeholder', category: 1000 },
  { id: '6a1f7a1c-4b0e-4a56-9b3a-1d7c1e000002', name: 'Sales Team Member', category: 1001 },
  { id: '6a1f7a1c-4b0e-4a56-9b3a-1d7c1e000003', name: 'Influencer', category: 4 },
];

export function seedConnectionRoles(db: Database, adminId: string): void {
  const w = new SeedWriter(db.store('connectionrole')!, db, new Prng(7), ROLES.length);
  for (const role of ROLES) {
    const row = w.add(role.id, adminId);
    w.col('name').set(row, role.name);
    w.col('category').set(row, role.category);
  }
}

/** A third of the opportunities sold to a contact; a third with one or two stakeholders. */
export function seedOpportunityPeople(db: Database, seedValue: number, owners: readonly string[]): void {
  const r = new Prng(seedValue ^ 0x5a1e5);
  const opps = db.store('opportunity')!;
  const contacts = db.store('contact')!;
  if (opps.size === 0 || contacts.size === 0) return;
  const customer = opps.lookup('customerid')!;
  const account = opps.lookup('parentaccountid')!;
  const parent = contacts.lookup('parentcustomerid')!;
  const w = new SeedWriter(db.store('connection')!, db, r, Math.ceil(opps.size * 1.2));
  for (let row = 0; row < opps.size; row++) {
    if (r.chance(0.33)) {
      const c = r.int(contacts.size);
      customer.setRef(row, contacts.ids[c]!, 'contact');
      const accountId = parent.target(c) === 'account' ? (parent.get(c) as string) : null;
      account.setRef(row, accountId, 'account');
    }
    if (!r.chance(0.33)) continue;
    const n = 1 + r.int(2);
    for (let k = 0; k < n; k++) addStakeholder(db, w, r, owners, opps.ids[row]!, contacts.ids[r.int(contacts.size)]!);
  }
}

function addStakeholder(
  db: Database,
  w: SeedWriter,
  r: Prng,
  owners: readonly string[],
  opportunityId: string,
  contactId: string,
): void {
  const owner = r.pick(owners);
  const master = w.add(prngGuid(r), owner);
  const twin = w.add(prngGuid(r), owner);
  const store = w.store;
  store.lookup('record1id')!.setRef(master, opportunityId, 'opportunity');
  store.lookup('record2id')!.setRef(master, contactId, 'contact');
  store.lookup('record2roleid')!.setRef(master, STAKEHOLDER_ROLE_ID, 'connectionrole');
  pairSeeded(db, store, master, twin);
}
