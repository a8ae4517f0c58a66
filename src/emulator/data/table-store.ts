/**
 * One table's rows, column by column. Rows live in slots that are never reused: a deleted row keeps
 * its slot (a tombstone) so the change log can still name its id. `order` lists live slots sorted by
 * primary key, which is what keyset paging walks.
 */
import type { ColumnDef, TableDef } from '../schema/types.js';
import { ChangeLog } from './change-log.js';
import { createColumnStore, LookupColumn, type ColumnStore } from './columns.js';

export class TableStore {
  readonly ids: string[] = [];
  alive = new Uint8Array(0);
  /** Live slots in primary-key order; only the first `orderLength` entries are used. */
  order = new Int32Array(0);
  orderLength = 0;
  readonly index = new Map<string, number>();
  /** Deleted ids and their slots, so an upsert to a deleted id revives its slot. */
  readonly tombstones = new Map<string, number>();
  readonly columns = new Map<string, ColumnStore>();
  readonly log = new ChangeLog();
  /** Delta tokens of this table with a version below this were expired by expireDeltaTokens. */
  expiredBefore = 0;
  size = 0;
  private capacity = 0;

  constructor(readonly def: TableDef) {
    this.ensure(1024);
    for (const col of def.columns.values()) this.addColumn(col);
  }

  get liveCount(): number {
    return this.orderLength;
  }

  column(name: string): ColumnStore | undefined {
    return this.columns.get(name);
  }

  lookup(name: string): LookupColumn | undefined {
    const c = this.columns.get(name);
    return c instanceof LookupColumn ? c : undefined;
  }

  /** The rowversion of a row (versionnumber). */
  version(row: number): number {
    return (this.columns.get('versionnumber')!.get(row) as number | null) ?? 0;
  }

  addColumn(def: ColumnDef): void {
    if (def.isPrimaryId) return;
    this.columns.set(def.logicalName, createColumnStore(def, this.capacity));
  }

  removeColumn(name: string): void {
    this.columns.delete(name);
  }

  rowOf(id: string): number | undefined {
    return this.index.get(id);
  }

  /** Allocates a slot for a new id; the caller fills columns, then calls `insertOrder` (or rebuildOrder). */
  allocate(id: string): number {
    const row = this.size++;
    this.ensure(this.size);
    this.ids[row] = id;
    this.alive[row] = 1;
    this.index.set(id, row);
    return row;
  }

  /** Revives a deleted slot, e.g. an upsert to the id of a deleted row. */
  revive(row: number): void {
    this.alive[row] = 1;
    this.index.set(this.ids[row]!, row);
    this.tombstones.delete(this.ids[row]!);
  }

  insertOrder(row: number): void {
    const pos = this.lowerBound(this.ids[row]!);
    if (this.orderLength === this.order.length) this.growOrder();
    this.order.copyWithin(pos + 1, pos, this.orderLength);
    this.order[pos] = row;
    this.orderLength++;
  }

  tombstone(row: number): void {
    const id = this.ids[row]!;
    const pos = this.lowerBound(id);
    if (this.order[pos] === row) {
      this.order.copyWithin(pos, pos + 1, this.orderLength);
      this.orderLength--;
    }
    this.alive[row] = 0;
    this.index.delete(id);
    this.tombstones.set(id, row);
  }

  /** Sorts every live slot by id: used once after bulk seeding instead of per-row insertion. */
  rebuildOrder(): void {
    const live: number[] = [];
    for (let r = 0; r < this.size; r++) if (this.alive[r]) live.push(r);
    const ids = this.ids;
    live.sort((a, b) => (ids[a]! < ids[b]! ? -1 : 1));
    this.order = Int32Array.from(live);
    this.orderLength = live.length;
    this.growOrder();
  }

  /** First position in `order` whose id is >= `id` (ids compare as lower-case strings). */
  lowerBound(id: string): number {
    let lo = 0;
    let hi = this.orderLength;
    const order = this.order;
    const ids = this.ids;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ids[order[mid]!]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private ensure(n: number): void {
    if (n <= this.capacity) return;
    const cap = Math.max(n, this.capacity * 2, 1024);
    const alive = new Uint8Array(cap);
    alive.set(this.alive);
    this.alive = alive;
    for (const c of this.columns.values()) c.grow(cap);
    this.capacity = cap;
  }

  /** Pre-sizes storage for a bulk load, so seeding does not double its arrays twenty times. */
  reserve(n: number): void {
    this.ensure(n);
  }

  private growOrder(): void {
    const next = new Int32Array(Math.max(1024, this.order.length * 2, this.orderLength + 1));
    next.set(this.order.subarray(0, this.orderLength));
    this.order = next;
  }
}
