/**
 * Applies validated writes: server-set columns (createdon, modifiedon, createdby, modifiedby, owner,
 * state/status defaults, fullname, currency), a new rowversion, and a change-log entry. Every write
 * path (Web API, DataService, seed fix-ups) ends here, so the change log cannot miss one.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, Principal } from '../context.js';
import { DvCode } from '../../wire/index.js';
import { DataverseHttpError, notFound } from '../errors.js';
import { DELETE, UPSERT } from './change-log.js';
import { type Cell, LookupColumn } from './columns.js';
import { type Database, USD_CURRENCY_ID } from './database.js';
import { Journal } from './journal.js';
import { isConnection, pairConnection } from './connections.js';
import { type Assignment, parseBody } from './validate.js';
import type { TableStore } from './table-store.js';
import { captureAttributes, type WriteEvent, type WriteMessage, type WriteSink } from './write-events.js';

/** statuscode a state change implies when the body sets only statecode. */
const DEFAULT_STATUS: Record<string, number[]> = {
  lead: [1, 3, 4],
  opportunity: [1, 3, 4],
};

export interface Mutator {
  create(p: Principal, store: TableStore, body: unknown, id?: string): string;
  update(p: Principal, store: TableStore, row: number, body: unknown): void;
  remove(p: Principal, store: TableStore, row: number): void;
  /** Stamps version, modifiedon/by and logs the change of a row whose cells were set directly. */
  touch(store: TableStore, row: number, userId: string): void;
  atomic<T>(fn: () => Promise<T>, failed: (result: T) => boolean): Promise<T>;
}

export function createMutator(db: Database, clock: Clock, sink?: WriteSink): Mutator {
  const nowSeconds = () => Math.floor(clock.now() / 1000) * 1000;
  // Events of a $batch change set wait for its commit: a rolled-back write notifies no one.
  let held: WriteEvent[] | null = null;
  const notify = (p: Principal, store: TableStore, row: number, message: WriteMessage, names: string[]) => {
    const table = store.def.logicalName;
    if (!sink?.wants(table, message)) return;
    const attributes = captureAttributes(store, row, message, names);
    const event: WriteEvent = { message, table, id: store.ids[row]!, userId: p.userId, at: clock.now(), attributes };
    if (held) held.push(event);
    else sink.emit(event);
  };

  const set = (store: TableStore, row: number, name: string, value: Cell) => store.column(name)?.set(row, value);
  const setUser = (store: TableStore, row: number, name: string, userId: string) =>
    store.lookup(name)?.setRef(row, userId, 'systemuser');

  const apply = (store: TableStore, row: number, assignments: Assignment[]) => {
    db.journal?.save(store, row);
    for (const a of assignments) {
      if (a.kind === 'ref') a.col.setRef(row, a.id, a.target);
      else a.col.set(row, a.value);
    }
    const state = assignments.find((a) => a.col.def.logicalName === 'statecode');
    if (state && state.kind === 'value' && !assignments.some((a) => a.col.def.logicalName === 'statuscode')) {
      const s = state.value as number;
      set(store, row, 'statuscode', DEFAULT_STATUS[store.def.logicalName]?.[s] ?? s + 1);
    }
    const fullname = store.column('fullname');
    if (fullname && !fullname.def.isValidForCreate) {
      const first = store.column('firstname')?.get(row);
      const last = store.column('lastname')?.get(row);
      fullname.set(row, [first, last].filter((x) => typeof x === 'string' && x).join(' ') || null);
    }
  };

  const touch = (store: TableStore, row: number, userId: string) => {
    db.journal?.save(store, row);
    const v = db.nextVersion();
    set(store, row, 'versionnumber', v);
    set(store, row, 'modifiedon', nowSeconds());
    setUser(store, row, 'modifiedby', userId);
    store.log.append(v, row, UPSERT);
  };

  const create = (p: Principal, store: TableStore, body: unknown, id: string = randomUUID()): string => {
    const assignments = parseBody(db, store, body, 'create');
    const existing = store.rowOf(id);
    if (existing !== undefined) {
      throw new DataverseHttpError(412, DvCode.DuplicateRecord, 'Cannot insert duplicate key.');
    }
    const row = insertRow(p, store, id, assignments);
    if (isConnection(store)) {
      const twin = insertRow(p, store, randomUUID(), []);
      pairConnection(db, store, row, twin);
      touch(store, twin, p.userId);
    }
    touch(store, row, p.userId);
    notify(p, store, row, 'Create', []);
    return id;
  };

  /** A new row with its server-set columns and the body's values, not yet touched (logged). */
  const insertRow = (p: Principal, store: TableStore, id: string, assignments: Assignment[]): number => {
    const revived = store.tombstones.get(id);
    if (revived !== undefined) db.journal?.save(store, revived);
    const row = revived ?? store.allocate(id);
    if (revived !== undefined) store.revive(row);
    else db.journal?.save(store, row, true);
    for (const col of store.columns.values()) {
      if (col.def.type === 'Boolean') col.set(row, col.def.defaultValue ?? false);
      else if (!(col instanceof LookupColumn)) col.set(row, null);
      else col.setRef(row, null, col.def.targets?.[0] ?? '');
    }
    const now = nowSeconds();
    set(store, row, 'createdon', now);
    setUser(store, row, 'createdby', p.userId);
    if (store.def.ownership === 'UserOwned') setUser(store, row, 'ownerid', p.userId);
    set(store, row, 'statecode', 0);
    set(store, row, 'statuscode', 1);
    store.lookup('transactioncurrencyid')?.setRef(row, USD_CURRENCY_ID, 'transactioncurrency');
    apply(store, row, assignments);
    store.insertOrder(row);
    return row;
  };

  const update = (p: Principal, store: TableStore, row: number, body: unknown) => {
    const assignments = parseBody(db, store, body, 'update');
    apply(store, row, assignments);
    touch(store, row, p.userId);
    notify(
      p,
      store,
      row,
      'Update',
      assignments.map((a) => a.col.def.logicalName),
    );
  };

  const remove = (p: Principal, store: TableStore, row: number) => {
    if (!store.alive[row]) throw notFound(`${store.def.logicalName} With Id = ${store.ids[row]} Does Not Exist`);
    const id = store.ids[row]!;
    db.journal?.save(store, row);
    store.tombstone(row);
    store.log.append(db.nextVersion(), row, DELETE);
    notify(p, store, row, 'Delete', []);
    cascade(p, store.def.logicalName, id);
  };

  /**
   * Relationship behaviours of the standard tables: customer lookups (contact.parentcustomerid,
   * opportunity.customerid, lead.customerid) are parental, so their rows are deleted with the parent;
   * any other lookup to the deleted row is cleared ("remove link"), which is itself a change. A custom
   * Customer column is referential, as Dataverse creates custom lookups: its link is removed.
   */
  const cascade = (p: Principal, table: string, id: string) => {
    for (const other of db.allStores()) {
      for (const col of other.columns.values()) {
        if (!(col instanceof LookupColumn) || !col.def.targets?.includes(table)) continue;
        const ids = col.ids;
        for (let r = 0; r < other.size; r++) {
          if (ids[r] !== id || !other.alive[r] || col.target(r) !== table) continue;
          if (
            (col.def.type === 'Customer' && !col.def.isCustom && other.def.logicalName !== 'lead') ||
            col.def.cascadeDelete
          )
            remove(p, other, r);
          else {
            col.setRef(r, null, table);
            touch(other, r, p.userId);
          }
        }
      }
    }
  };

  /** Runs a $batch change set: all of its writes, or (when it throws or answers an error) none. */
  const atomic = async <T>(fn: () => Promise<T>, failed: (result: T) => boolean): Promise<T> => {
    // An action inside a change set (QualifyLead in a $batch) joins the change set's transaction.
    if (db.journal) return fn();
    const journal = (db.journal = new Journal(db));
    const events: WriteEvent[] = (held = []);
    let committed = false;
    try {
      const result = await fn();
      if (failed(result)) journal.rollback();
      else committed = true;
      return result;
    } catch (err) {
      journal.rollback();
      throw err;
    } finally {
      db.journal = undefined;
      held = null;
      if (committed) for (const e of events) sink?.emit(e);
    }
  };

  return { create, update, remove, touch, atomic };
}
