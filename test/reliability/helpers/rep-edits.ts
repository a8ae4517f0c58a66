/**
 * A sales rep editing Dynamics between sync runs (through the emulator's Web API), and the ledger of
 * what the sync must log for it: a Change Data Value per changed field on each person concerned
 * (account changes: every live person of the account, at most 5,000, lowest person ids first), and
 * a New Lead per new contact. Each batch touches disjoint sets of records, so its expectations do
 * not depend on the order the sync applies them in.
 */
import { CDV_FAN_OUT_CAP } from '../../../src/domain/index.js';
import { cdvKey, type LeadSnapshot } from './lead-db.js';
import type { Prng } from './prng.js';
import { eachLimited, FORMATTED, type Row, type WebApi } from './web-api.js';

export interface BatchSizes {
  readonly updateAccounts: number;
  readonly deleteAccounts: number;
  readonly updateContacts: number;
  readonly createContacts: number;
  readonly deleteContacts: number;
  readonly moveContacts: number;
  /** Also change the account with the most contacts (shows the 5,000-person cap on the medium seed). */
  readonly includeLargest: boolean;
}

interface FieldChange {
  field: string;
  oldValue: unknown;
  newValue: unknown;
}

export class EditLedger {
  /** Person-level expectations (contact edits and moves), by cdvKey. */
  readonly contactCdvs = new Map<string, number>();
  readonly accountChanges: { accountId: string; changes: FieldChange[]; personIds: string[] }[] = [];
  readonly counts = {
    accountsUpdated: 0,
    accountsDeleted: 0,
    contactsUpdated: 0,
    contactsCreated: 0,
    contactsDeleted: 0,
    contactsMoved: 0,
  };

  addContactCdv(personId: string, c: FieldChange): void {
    const k = cdvKey(personId, c.field, c.oldValue, c.newValue);
    this.contactCdvs.set(k, (this.contactCdvs.get(k) ?? 0) + 1);
  }

  /** Every Change Data Value the lead database must hold, by cdvKey (account fan-out resolved against its person ids). */
  expectedCdvs(snap: LeadSnapshot): Map<string, number> {
    const out = new Map(this.contactCdvs);
    for (const a of this.accountChanges) {
      const persons = a.personIds
        .map((id) => ({ id, row: snap.persons.get(id)?.id ?? Number.MAX_SAFE_INTEGER }))
        .sort((x, y) => x.row - y.row)
        .slice(0, CDV_FAN_OUT_CAP);
      for (const p of persons)
        for (const c of a.changes) {
          const k = cdvKey(p.id, c.field, c.oldValue, c.newValue);
          out.set(k, (out.get(k) ?? 0) + 1);
        }
    }
    return out;
  }

  get writes(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }
}

const id = (r: Row, key: string): string => String(r[key]).toLowerCase();

/** Applies one batch of rep edits and records what the sync must make of them. */
export async function writeBatch(
  api: WebApi,
  rng: Prng,
  batch: number,
  sizes: BatchSizes,
  ledger: EditLedger,
): Promise<void> {
  const accounts = await api.readAll('accounts', [
    'accountid',
    'name',
    'address1_city',
    'numberofemployees',
    'industrycode',
  ]);
  const contacts = await api.readAll('contacts', ['contactid', '_parentcustomerid_value', 'jobtitle', 'telephone1']);
  const children = new Map<string, string[]>();
  for (const c of contacts) {
    if (c['_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname'] !== 'account') continue;
    const parent = id(c, '_parentcustomerid_value');
    children.set(parent, [...(children.get(parent) ?? []), id(c, 'contactid')]);
  }
  const kids = (a: Row) => children.get(id(a, 'accountid')) ?? [];
  const industries = new Map<number, string>();
  for (const a of accounts)
    if (typeof a.industrycode === 'number') industries.set(a.industrycode, String(a[`industrycode${FORMATTED}`]));

  const largest = [...accounts].sort((x, y) => kids(y).length - kids(x).length)[0]!;
  const small = accounts.filter((a) => a !== largest && kids(a).length > 0 && kids(a).length <= 20);
  const toDelete = rng.sample(small, sizes.deleteAccounts);
  const rest = accounts.filter((a) => a !== largest && !toDelete.includes(a));
  const toUpdate = [...(sizes.includeLargest ? [largest] : []), ...rng.sample(rest, sizes.updateAccounts)];
  const touched = new Set([...toDelete, ...toUpdate].map((a) => id(a, 'accountid')));
  const free = accounts.filter((a) => !touched.has(id(a, 'accountid')));
  const eligible = contacts.filter((c) => !touched.has(id(c, '_parentcustomerid_value')));
  const picked = rng.sample(eligible, sizes.updateContacts + sizes.deleteContacts + sizes.moveContacts);
  const updates = picked.slice(0, sizes.updateContacts);
  const deletes = picked.slice(sizes.updateContacts, sizes.updateContacts + sizes.deleteContacts);
  const moves = picked.slice(sizes.updateContacts + sizes.deleteContacts);

  // Every random choice is made here, before the concurrent writes, so a seed replays the same batch.
  const ops: { kind: keyof EditLedger['counts']; run: () => Promise<unknown> }[] = [];
  toUpdate.forEach((a, i) => {
    const aid = id(a, 'accountid');
    const oldIndustry = typeof a.industrycode === 'number' ? a.industrycode : null;
    const industry = rng.pick([...industries.keys()].filter((v) => v !== oldIndustry));
    const employees = (typeof a.numberofemployees === 'number' ? a.numberofemployees : 0) + rng.int(1, 5000);
    const body = {
      name: `${String(a.name)} ·${batch}`,
      address1_city: `Rel City ${batch}-${i}`,
      numberofemployees: employees,
      industrycode: industry,
    };
    ledger.accountChanges.push({
      accountId: aid,
      personIds: kids(a),
      changes: [
        { field: 'company', oldValue: a.name ?? null, newValue: body.name },
        { field: 'billingCity', oldValue: a.address1_city ?? null, newValue: body.address1_city },
        { field: 'numberOfEmployees', oldValue: a.numberofemployees ?? null, newValue: employees },
        {
          field: 'industry',
          oldValue: oldIndustry === null ? null : industries.get(oldIndustry),
          newValue: industries.get(industry),
        },
      ],
    });
    ops.push({ kind: 'accountsUpdated', run: () => api.update('accounts', aid, body) });
  });
  // Dataverse cascades an account delete to its contacts.
  for (const a of toDelete)
    ops.push({ kind: 'accountsDeleted', run: () => api.remove('accounts', id(a, 'accountid')) });
  updates.forEach((c, i) => {
    const cid = id(c, 'contactid');
    const body = {
      jobtitle: `Rel Title ${batch}-${i}`,
      telephone1: `+1 555 ${String(batch).padStart(2, '0')}${String(i).padStart(5, '0')}`,
    };
    ledger.addContactCdv(cid, { field: 'title', oldValue: c.jobtitle ?? null, newValue: body.jobtitle });
    ledger.addContactCdv(cid, { field: 'phone', oldValue: c.telephone1 ?? null, newValue: body.telephone1 });
    ops.push({ kind: 'contactsUpdated', run: () => api.update('contacts', cid, body) });
  });
  for (const c of deletes) ops.push({ kind: 'contactsDeleted', run: () => api.remove('contacts', id(c, 'contactid')) });
  for (const c of moves) {
    const cid = id(c, 'contactid');
    const oldParent =
      c['_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname'] === 'account'
        ? id(c, '_parentcustomerid_value')
        : null;
    const target = id(rng.pick(free.filter((a) => id(a, 'accountid') !== oldParent)), 'accountid');
    ledger.addContactCdv(cid, { field: 'accountId', oldValue: oldParent, newValue: target });
    ops.push({
      kind: 'contactsMoved',
      run: () => api.update('contacts', cid, { 'parentcustomerid_account@odata.bind': `/accounts(${target})` }),
    });
  }
  for (let i = 0; i < sizes.createContacts; i++) {
    const body = {
      firstname: 'Rel',
      lastname: `Batch ${batch} No ${i}`,
      emailaddress1: `rel.${batch}.${i}@example.com`,
      'parentcustomerid_account@odata.bind': `/accounts(${id(rng.pick(free), 'accountid')})`,
    };
    ops.push({ kind: 'contactsCreated', run: () => api.create('contacts', body) });
  }
  await eachLimited(ops, 8, async (op) => {
    await op.run();
    ledger.counts[op.kind]++;
  });
}
