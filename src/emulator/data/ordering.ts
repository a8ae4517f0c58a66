/**
 * Keyset pages. Without $orderby rows come in primary-key order (as Dataverse orders them) and the
 * cookie remembers the last key; with $orderby the matching rows are sorted by the order values and
 * then the key, and the cookie remembers that whole tuple. Either way the next page starts strictly
 * after the last row served, so rows written between pages can neither repeat nor push others out.
 */
import type { KeyValue } from '../odata/cookie.js';
import { pastEnd, type KeyRange } from './key-range.js';
import type { RowPredicate } from '../odata/filter-eval.js';
import type { OrderBy } from '../odata/query-options.js';
import { resolveProperty } from './properties.js';
import type { TableStore } from './table-store.js';

export interface Page {
  rows: number[];
  more: boolean;
}

type KeyFn = (row: number) => KeyValue;

export function pageByKey(
  store: TableStore,
  predicate: RowPredicate | undefined,
  after: string | undefined,
  size: number,
  range: KeyRange = {},
): Page {
  const { order, ids } = store;
  const n = store.orderLength;
  let i = after === undefined ? 0 : store.lowerBound(after);
  if (after !== undefined && i < n && ids[order[i]!] === after) i++;
  // A key range (`pk ge X and pk lt Y`) starts at X and ends at Y, as an index seek would.
  if (range.from) i = Math.max(i, store.lowerBound(range.from.id));
  const rows: number[] = [];
  for (; i < n; i++) {
    const row = order[i]!;
    if (range.to && pastEnd(range, ids[row]!)) break;
    if (predicate && !predicate(row)) continue;
    if (rows.length === size) return { rows, more: true };
    rows.push(row);
  }
  return { rows, more: false };
}

/** Sort keys: strings case-insensitively, lookups by the referenced row's primary name, nulls first. */
export function orderKeys(
  store: TableStore,
  orderby: readonly OrderBy[],
  nameOf: (t: string, id: string) => string | null,
): KeyFn[] {
  return orderby.map((o) => {
    const p = resolveProperty(store, o.name);
    if (p.lookup) {
      const col = p.lookup;
      return (row) => {
        const id = col.get(row);
        const t = col.target(row);
        return typeof id === 'string' && t ? (nameOf(t, id) ?? '').toLowerCase() : null;
      };
    }
    return (row) => {
      const v = p.get(row);
      return typeof v === 'string' ? v.toLowerCase() : ((v as KeyValue) ?? null);
    };
  });
}

function compareValues(a: KeyValue, b: KeyValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

export function pageOrdered(
  store: TableStore,
  predicate: RowPredicate | undefined,
  orderby: readonly OrderBy[],
  keys: KeyFn[],
  after: { keys: KeyValue[]; id: string } | undefined,
  size: number,
): Page & { keyOf: (row: number) => KeyValue[] } {
  const { order, ids } = store;
  const matching: number[] = [];
  for (let i = 0; i < store.orderLength; i++) {
    const row = order[i]!;
    if (!predicate || predicate(row)) matching.push(row);
  }
  const cache = new Map<number, KeyValue[]>();
  const keyOf = (row: number): KeyValue[] => {
    let k = cache.get(row);
    if (!k) cache.set(row, (k = keys.map((f) => f(row))));
    return k;
  };
  const compareTuple = (ka: KeyValue[], ida: string, kb: KeyValue[], idb: string): number => {
    for (let i = 0; i < keys.length; i++) {
      const c = compareValues(ka[i] ?? null, kb[i] ?? null);
      if (c !== 0) return orderby[i]!.desc ? -c : c;
    }
    return ida < idb ? -1 : ida > idb ? 1 : 0;
  };
  matching.sort((a, b) => compareTuple(keyOf(a), ids[a]!, keyOf(b), ids[b]!));
  let lo = 0;
  if (after) {
    let hi = matching.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const r = matching[mid]!;
      if (compareTuple(keyOf(r), ids[r]!, after.keys, after.id) <= 0) lo = mid + 1;
      else hi = mid;
    }
  }
  const rows = matching.slice(lo, lo + size);
  return { rows, more: lo + size < matching.length, keyOf };
}
