/**
 * What Dataverse does when a connection is created: it fills the record types and the name (the
 * name of the record connected to), marks the row as the master and creates its reciprocal, the
 * same link seen from the other record (ends and roles swapped, `ismaster` false), the two joined
 * by `relatedconnectionid`. Deleting either deletes both (relatedconnectionid is parental here).
 */
import type { Database } from './database.js';
import type { TableStore } from './table-store.js';

export const isConnection = (store: TableStore): boolean => store.def.logicalName === 'connection';

/** Fills the server-set columns of a new connection `master` and its reciprocal `twin` (a fresh row). */
export function pairConnection(db: Database, store: TableStore, master: number, twin: number): void {
  const ref = (name: string) => store.lookup(name)!;
  const swap = (from: string, to: string) => {
    const col = ref(from);
    const id = col.get(master) as string | null;
    ref(to).setRef(twin, id, col.target(master) ?? '');
  };
  swap('record1id', 'record2id');
  swap('record2id', 'record1id');
  swap('record1roleid', 'record2roleid');
  swap('record2roleid', 'record1roleid');
  for (const row of [master, twin]) {
    store.column('record1objecttypecode')!.set(row, ref('record1id').target(row));
    store.column('record2objecttypecode')!.set(row, ref('record2id').target(row));
    store.column('name')!.set(row, nameOf(db, ref('record2id').target(row), ref('record2id').get(row)));
    store.column('ismaster')!.set(row, row === master);
  }
  ref('relatedconnectionid').setRef(master, store.ids[twin]!, 'connection');
  ref('relatedconnectionid').setRef(twin, store.ids[master]!, 'connection');
  for (const name of ['ownerid', 'statecode', 'statuscode', 'effectivestart', 'effectiveend', 'description']) {
    const col = store.columns.get(name);
    if (!col) continue;
    const lookup = store.lookup(name);
    if (lookup) lookup.setRef(twin, lookup.get(master) as string | null, lookup.target(master) ?? '');
    else col.set(twin, col.get(master) as never);
  }
}

function nameOf(db: Database, table: string | null, id: unknown): string | null {
  if (!table || typeof id !== 'string') return null;
  const store = db.store(table);
  const row = store?.rowOf(id);
  if (!store || row === undefined) return null;
  const value = store.column(store.def.primaryNameAttribute)?.get(row);
  return typeof value === 'string' ? value : null;
}
