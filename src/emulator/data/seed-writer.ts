/**
 * Bulk row writer for seeding: writes cells straight into column storage (no validation, no change
 * log: every delta token is issued after seeding), stamping the system columns a real row carries.
 */
import type { Cell, ColumnStore, LookupColumn } from './columns.js';
import { USD_CURRENCY_ID, type Database } from './database.js';
import type { Prng } from './prng.js';
import type { TableStore } from './table-store.js';

/** Seeded history spans three years before a fixed date, so the same seed gives the same rows. */
export const SEED_ANCHOR = Date.UTC(2025, 6, 1);
const THREE_YEARS = 3 * 365 * 86_400_000;

export class SeedWriter {
  private readonly created: ColumnStore;
  private readonly modified: ColumnStore;
  private readonly version: ColumnStore;
  private readonly createdBy: LookupColumn;
  private readonly modifiedBy: LookupColumn;
  private readonly owner: LookupColumn | undefined;
  private readonly currency: LookupColumn | undefined;
  private readonly state: ColumnStore | undefined;
  private readonly status: ColumnStore | undefined;

  constructor(
    readonly store: TableStore,
    private readonly db: Database,
    private readonly r: Prng,
    expected: number,
  ) {
    store.reserve(store.size + expected);
    this.created = this.col('createdon');
    this.modified = this.col('modifiedon');
    this.version = this.col('versionnumber');
    this.createdBy = this.ref('createdby');
    this.modifiedBy = this.ref('modifiedby');
    this.owner = store.lookup('ownerid');
    this.currency = store.lookup('transactioncurrencyid');
    this.state = store.column('statecode');
    this.status = store.column('statuscode');
  }

  col(name: string): ColumnStore {
    const c = this.store.column(name);
    if (!c) throw new Error(`seed: no column ${this.store.def.logicalName}.${name}`);
    return c;
  }

  /** Column stores by short name: `cols({ first: 'firstname' })` → `{ first: <firstname store> }`. */
  cols<K extends string>(names: Record<K, string>): Record<K, ColumnStore> {
    const out = {} as Record<K, ColumnStore>;
    for (const k in names) out[k] = this.col(names[k]);
    return out;
  }

  ref(name: string): LookupColumn {
    const c = this.store.lookup(name);
    if (!c) throw new Error(`seed: no lookup ${this.store.def.logicalName}.${name}`);
    return c;
  }

  /** A new row with audit stamps; booleans start false as Dataverse defaults them. */
  add(id: string, ownerId: string, inactive = false, state?: { state: number; status: number }): number {
    const row = this.store.allocate(id);
    const created = SEED_ANCHOR - this.r.int(THREE_YEARS);
    const modified = created + this.r.int(SEED_ANCHOR - created);
    this.created.set(row, Math.floor(created / 1000) * 1000);
    this.modified.set(row, Math.floor(modified / 1000) * 1000);
    this.version.set(row, this.db.nextVersion());
    this.createdBy.setRef(row, ownerId, 'systemuser');
    this.modifiedBy.setRef(row, ownerId, 'systemuser');
    this.owner?.setRef(row, ownerId, 'systemuser');
    this.currency?.setRef(row, USD_CURRENCY_ID, 'transactioncurrency');
    const s = state ?? (inactive ? { state: 1, status: 2 } : { state: 0, status: 1 });
    this.state?.set(row, s.state);
    this.status?.set(row, s.status);
    return row;
  }

  booleans(row: number, values: Record<string, boolean>): void {
    for (const [k, v] of Object.entries(values)) this.col(k).set(row, v);
  }

  set(row: number, col: ColumnStore, value: Cell): void {
    col.set(row, value);
  }
}
