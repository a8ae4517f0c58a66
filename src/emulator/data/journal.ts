/**
 * Undo records for one change set of a $batch: the first time a write touches a row, the row's cells
 * and life state are saved; a failed change set restores them and drops the change-log entries it
 * appended, so its earlier writes never happened for readers and delta links alike. Rowversions it
 * used stay used, as SQL Server's rowversion does after a rolled-back transaction.
 */
import { LookupColumn, type Cell } from './columns.js';
import type { Database } from './database.js';
import type { TableStore } from './table-store.js';

interface SavedRow {
  store: TableStore;
  row: number;
  alive: boolean;
  tombstone: boolean;
  cells: [name: string, value: unknown, target: string | null][];
}

export class Journal {
  readonly #saved: SavedRow[] = [];
  readonly #seen = new Set<string>();
  readonly #logLengths = new Map<TableStore, number>();

  constructor(db: Database) {
    for (const s of db.allStores()) this.#logLengths.set(s, s.log.length);
  }

  /** Call before a write changes `row` (a slot just allocated counts as "not alive before"). */
  save(store: TableStore, row: number, allocated = false): void {
    const key = `${store.def.logicalName}:${row}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    const cells: SavedRow['cells'] = [];
    if (!allocated) {
      for (const [name, col] of store.columns) {
        cells.push(
          col instanceof LookupColumn ? [name, col.ids[row] ?? null, col.target(row)] : [name, col.get(row), null],
        );
      }
    }
    const id = store.ids[row]!;
    this.#saved.push({
      store,
      row,
      alive: !allocated && store.alive[row] === 1,
      tombstone: store.tombstones.has(id),
      cells,
    });
  }

  rollback(): void {
    for (const s of this.#saved.reverse()) restore(s);
    for (const [store, length] of this.#logLengths) store.log.length = Math.min(store.log.length, length);
  }
}

function restore(s: SavedRow): void {
  const { store, row } = s;
  for (const [name, value, target] of s.cells) {
    const col = store.columns.get(name);
    if (col instanceof LookupColumn) col.setRef(row, value as string | null, target ?? col.def.targets?.[0] ?? '');
    else col?.set(row, value as Cell);
  }
  const aliveNow = store.alive[row] === 1;
  if (s.alive && !aliveNow) {
    store.revive(row);
    store.insertOrder(row);
  } else if (!s.alive && aliveNow) {
    store.tombstone(row);
    // A row the change set created was never there: no tombstone, no delete in any delta.
    if (!s.tombstone) store.tombstones.delete(store.ids[row]!);
  }
}
