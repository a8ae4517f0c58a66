/**
 * Deterministic, realistic seed data: users (every identity user plus generated sales reps), accounts
 * with industries, revenue, employees, addresses and owners, contacts under them (a few accounts with
 * more than 5,000 in the medium and large seeds), leads and opportunities.
 */
import type { EmulatorUser } from '../context.js';
import type { SeedName } from '../options.js';
import type { Database } from './database.js';
import { SYNC_FILTER_COLUMN, SYNC_FILTER_TABLES } from '../schema/sync-filter.js';
import { Prng, prngGuid } from './prng.js';
import { seedAccounts, seedContacts } from './seed-customers.js';
import { seedCustomTables } from './seed-custom.js';
import { seedLeads } from './seed-leads.js';
import { seedOpportunities } from './seed-sales.js';
import { seedConnectionRoles, seedOpportunityPeople } from './seed-stakeholders.js';
import { seedPlan } from './seed-plan.js';
import { poolsFor, type Pools } from './seed-pools.js';
import { SeedWriter } from './seed-writer.js';

export interface SeedContext {
  readonly db: Database;
  readonly r: Prng;
  readonly pools: Pools;
  /** Owners of seeded rows: the generated sales reps and the default sales rep user. */
  readonly owners: string[];
}

export interface SeedInput {
  db: Database;
  users: readonly EmulatorUser[];
  seed: SeedName | number;
  seedValue: number;
  businessUnitId: string;
}

export function seedDatabase(input: SeedInput): void {
  const plan = seedPlan(input.seed);
  const r = new Prng(input.seedValue);
  const pools = plan.accounts > 0 || plan.reps > 0 ? poolsFor(input.seedValue) : undefined;
  const reps = seedUsers(input, r, pools, plan.reps);
  if (input.users[0]) seedConnectionRoles(input.db, input.users[0].id);
  if (!pools || plan.accounts === 0) return finish(input.db);
  const ctx: SeedContext = { db: input.db, r, pools, owners: reps.length ? reps : input.users.map((u) => u.id) };
  const accounts = seedAccounts(ctx, plan.accounts);
  const contacts = seedContacts(ctx, accounts, plan);
  seedLeads(ctx, plan.leads, accounts, contacts);
  seedOpportunities(ctx, plan.opportunities, accounts, contacts);
  seedOpportunityPeople(input.db, input.seedValue, ctx.owners);
  seedSyncFilter(ctx);
  seedCustomTables(ctx, input.seedValue, accounts, contacts);
  finish(input.db);
}

/** Where the sync filter column exists: mostly Yes, one in twenty No, one in ten empty (created before it). */
function seedSyncFilter({ db, r }: SeedContext): void {
  for (const table of SYNC_FILTER_TABLES) {
    const store = db.store(table)!;
    const col = store.column(SYNC_FILTER_COLUMN);
    if (!col) continue;
    for (let row = 0; row < store.size; row++) {
      const x = r.next();
      col.set(row, x < 0.05 ? false : x < 0.15 ? null : true);
    }
  }
}

function finish(db: Database): void {
  for (const store of db.allStores()) store.rebuildOrder();
}

/** Identity users keep their ids (WhoAmI's UserId is a real row); reps get generated ones. */
function seedUsers(input: SeedInput, r: Prng, pools: Pools | undefined, reps: number): string[] {
  const store = input.db.store('systemuser')!;
  const w = new SeedWriter(store, input.db, r, input.users.length + reps);
  const c = {
    first: w.col('firstname'),
    last: w.col('lastname'),
    full: w.col('fullname'),
    domain: w.col('domainname'),
    email: w.col('internalemailaddress'),
    aad: w.col('azureactivedirectoryobjectid'),
    disabled: w.col('isdisabled'),
    access: w.col('accessmode'),
    title: w.col('title'),
    bu: w.ref('businessunitid'),
  };
  const admin = input.users[0]?.id;
  const add = (id: string, upn: string, fullName: string, disabled: boolean, title: string | null) => {
    const row = w.add(id, admin ?? id);
    const [first, ...rest] = fullName.split(' ');
    c.first.set(row, first ?? null);
    c.last.set(row, rest.join(' ') || fullName);
    c.full.set(row, fullName);
    c.domain.set(row, upn);
    // Application users have an app id, not a UPN; Dataverse requires them to carry a mailbox address.
    c.email.set(row, upn.includes('@') ? upn : `app-${upn}@contoso.test`);
    c.aad.set(row, id);
    c.disabled.set(row, disabled);
    c.access.set(row, 0);
    c.title.set(row, title);
    c.bu.setRef(row, input.businessUnitId, 'businessunit');
  };
  for (const u of input.users) add(u.id, u.name, u.fullName, u.disabled, null);
  const ids: string[] = [];
  for (let i = 0; i < reps && pools; i++) {
    const first = r.pick(pools.firstNames);
    const last = r.pick(pools.lastNames);
    const id = prngGuid(r);
    add(id, `${first}.${last}${i}@contoso.test`.toLowerCase(), `${first} ${last}`, false, 'Sales Representative');
    ids.push(id);
  }
  const rep = input.users.find((u) => u.name.startsWith('rep@'));
  if (rep) ids.push(rep.id);
  return ids;
}
