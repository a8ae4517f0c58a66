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

type NumberArray = Float64Array | Int32Array | Int8Array;

/** Numbers, dates, choices and booleans: one typed array per column, a sentinel for null. */
abstract class TypedColumn<A extends NumberArray> extends BaseColumn implements ColumnStore {
  abstract values: A;
  /** A new array of `capacity` cells, every one null. */
  protected abstract alloc(capacity: number): A;
  protected abstract decode(raw: number): unknown;
  protected abstract encode(value: Exclude<Cell, null>): number;
  protected abstract readonly nullValue: number;

  get(row: number): unknown {
    if (this.overrides !== undefined && this.overrides.has(row)) return this.overrides.get(row);
    return this.decode(this.values[row]!);
  }
  set(row: number, value: Cell): void {
    this.clearOverride(row);
    this.values[row] = value === null ? this.nullValue : this.encode(value);
  }
  grow(capacity: number): void {
    const next = this.alloc(capacity);
    next.set(this.values);
    this.values = next;
  }
}

class FloatColumn extends TypedColumn<Float64Array> {
  values = new Float64Array(0);
  protected readonly nullValue = NaN;
  protected alloc = (n: number) => new Float64Array(n).fill(NaN);
  protected decode = (v: number) => (v !== v ? null : v);
  protected encode = (v: Exclude<Cell, null>) => Number(v);
}

class IntColumn extends TypedColumn<Int32Array> {
  values = new Int32Array(0);
  protected readonly nullValue = INT_NULL;
  protected alloc = (n: number) => new Int32Array(n).fill(INT_NULL);
  protected decode = (v: number) => (v === INT_NULL ? null : v);
  protected encode = (v: Exclude<Cell, null>) => Number(v);
}

class BoolColumn extends TypedColumn<Int8Array> {
  values = new Int8Array(0);
  protected readonly nullValue = -1;
  protected alloc = (n: number) => new Int8Array(n).fill(-1);
  protected decode = (v: number) => (v < 0 ? null : v === 1);
  protected encode = (v: Exclude<Cell, null>) => (v ? 1 : 0);
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
    case 'Money':
    case 'Decimal':
    case 'Double':
    case 'DateTime':
    case 'BigInt':
      store = new FloatColumn(def);
      break;
    case 'Integer':
    case 'Picklist':
    case 'State':
    case 'Status':
      store = new IntColumn(def);
      break;
    case 'Boolean':
      store = new BoolColumn(def);
      break;
    case 'Lookup':
    case 'Customer':
    case 'Owner':
      store = new LookupColumn(def);
      break;
    default:
      store = new StringColumn(def);
  }
  store.grow(capacity);
  return store;
}
