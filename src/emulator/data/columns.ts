/**
 * Per-column storage: typed arrays for numbers, dates, choices and booleans (with a null sentinel),
 * plain arrays for strings. Lookup columns hold the target row's own id string (shared, not copied)
 * plus the index of the target table, so a million contacts cost a pointer each per lookup.
 */
import type { ColumnDef } from '../schema/types.js';

export type Cell = string | number | boolean | null;

export interface ColumnStore {
  readonly def: ColumnDef;
  get(row: number): unknown;
  set(row: number, value: Cell): void;
  grow(capacity: number): void;
  /** A value stored bypassing validation (DataService.corrupt): serialized as it is. */
  corrupt(row: number, value: unknown): void;
}

const INT_NULL = -2147483648;

abstract class BaseColumn {
  protected overrides: Map<number, unknown> | undefined;
  constructor(readonly def: ColumnDef) {}

  corrupt(row: number, value: unknown): void {
    (this.overrides ??= new Map()).set(row, value);
  }

  protected clearOverride(row: number): void {
    if (this.overrides !== undefined) this.overrides.delete(row);
  }
}

class StringColumn extends BaseColumn implements ColumnStore {
  values: (string | null)[] = [];
  get(row: number): unknown {
    if (this.overrides !== undefined && this.overrides.has(row)) return this.overrides.get(row);
    return this.values[row] ?? null;
  }
  set(row: number, value: Cell): void {
    this.clearOverride(row);
    this.values[row] = value === null ? null : String(value);
  }
  grow(): void {}
}

class FloatColumn extends BaseColumn implements ColumnStore {
  values = new Float64Array(0);
  get(row: number): unknown {
    if (this.overrides !== undefined && this.overrides.has(row)) return this.overrides.get(row);
    const v = this.values[row]!;
    return v !== v ? null : v;
  }
  set(row: number, value: Cell): void {
    this.clearOverride(row);
    this.values[row] = value === null ? NaN : Number(value);
  }
  grow(capacity: number): void {
    const next = new Float64Array(capacity).fill(NaN);
    next.set(this.values);
    this.values = next;
  }
}

class IntColumn extends BaseColumn implements ColumnStore {
  values = new Int32Array(0);
  get(row: number): unknown {
    if (this.overrides !== undefined && this.overrides.has(row)) return this.overrides.get(row);
    const v = this.values[row]!;
    return v === INT_NULL ? null : v;
  }
  set(row: number, value: Cell): void {
    this.clearOverride(row);
    this.values[row] = value === null ? INT_NULL : Number(value);
  }
  grow(capacity: number): void {
    const next = new Int32Array(capacity).fill(INT_NULL);
    next.set(this.values);
    this.values = next;
  }
}

class BoolColumn extends BaseColumn implements ColumnStore {
  values = new Int8Array(0);
  get(row: number): unknown {
    if (this.overrides !== undefined && this.overrides.has(row)) return this.overrides.get(row);
    const v = this.values[row]!;
    return v < 0 ? null : v === 1;
  }
  set(row: number, value: Cell): void {
    this.clearOverride(row);
    this.values[row] = value === null ? -1 : value ? 1 : 0;
  }
  grow(capacity: number): void {
    const next = new Int8Array(capacity).fill(-1);
    next.set(this.values);
    this.values = next;
  }
}

/** Lookup, Customer and Owner: the referenced id plus which of `def.targets` it points to. */
export class LookupColumn extends BaseColumn implements ColumnStore {
  ids: (string | null)[] = [];
  targetIndex = new Uint8Array(0);
  get(row: number): unknown {
    if (this.overrides !== undefined && this.overrides.has(row)) return this.overrides.get(row);
    return this.ids[row] ?? null;
  }
  /** Plain `set` keeps the first target; writes with a known target use setRef. */
  set(row: number, value: Cell): void {
    this.setRef(row, value === null ? null : String(value), this.def.targets?.[0] ?? '');
  }
  setRef(row: number, id: string | null, target: string): void {
    this.clearOverride(row);
    this.ids[row] = id;
    this.targetIndex[row] = Math.max(0, this.def.targets?.indexOf(target) ?? 0);
  }
  target(row: number): string | null {
    if (this.ids[row] == null) return null;
    return this.def.targets?.[this.targetIndex[row]!] ?? null;
  }
  grow(capacity: number): void {
    const next = new Uint8Array(capacity);
    next.set(this.targetIndex);
    this.targetIndex = next;
  }
}

export const isLookupType = (def: ColumnDef): boolean =>
  def.type === 'Lookup' || def.type === 'Customer' || def.type === 'Owner';

export function createColumnStore(def: ColumnDef, capacity: number): ColumnStore {
  let store: ColumnStore;
  switch (def.type) {
    case 'Money': case 'Decimal': case 'Double': case 'DateTime': case 'BigInt':
      store = new FloatColumn(def);
      break;
    case 'Integer': case 'Picklist': case 'State': case 'Status':
      store = new IntColumn(def);
      break;
    case 'Boolean':
      store = new BoolColumn(def);
      break;
    case 'Lookup': case 'Customer': case 'Owner':
      store = new LookupColumn(def);
      break;
    default:
      store = new StringColumn(def);
  }
  store.grow(capacity);
  return store;
}
