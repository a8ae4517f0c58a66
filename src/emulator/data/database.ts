/**
 * All table stores plus the organization-wide rowversion counter. Every write takes the next version
 * (it becomes the row's versionnumber and etag), so versions order changes across all tables.
 */
import type { SchemaRegistry } from '../context.js';
import type { Journal } from './journal.js';
import { TableStore } from './table-store.js';

/** The organization's base currency (Dataverse stamps it on every row of a table with money columns). */
export const USD_CURRENCY_ID = '7a6b3c1e-2d4f-4e8a-9b0c-5d6e7f8a9b01';

export class Database {
  private readonly stores = new Map<string, TableStore>();
  private versionCounter = 1_000_000;
  /** Set while a $batch change set runs: every write saves the rows it touches first. */
  journal: Journal | undefined;

  constructor(
    private readonly schema: SchemaRegistry,
    private readonly orgName: string,
    private readonly businessUnitId: string,
  ) {
    for (const def of schema.tables()) this.stores.set(def.logicalName, new TableStore(def));
    schema.onChange((e) => {
      if (e.addedTable) this.stores.set(e.addedTable.logicalName, new TableStore(e.addedTable));
      const store = this.stores.get(e.table);
      if (!store) return;
      if (e.added) store.addColumn(e.added);
      if (e.removed) store.removeColumn(e.removed);
    });
  }

  store(table: string): TableStore | undefined {
    return this.stores.get(table);
  }

  storeBySet(entitySet: string): TableStore | undefined {
    const def = this.schema.tableBySet(entitySet);
    return def ? this.stores.get(def.logicalName) : undefined;
  }

  allStores(): IterableIterator<TableStore> {
    return this.stores.values();
  }

  currentVersion(): number {
    return this.versionCounter;
  }

  nextVersion(): number {
    return ++this.versionCounter;
  }

  /** Primary name of a row, for FormattedValue annotations of lookups. */
  nameOf(table: string, id: string): string | null {
    if (table === 'transactioncurrency') return id === USD_CURRENCY_ID ? 'US Dollar' : null;
    if (table === 'businessunit') return id === this.businessUnitId ? this.orgName : null;
    const store = this.stores.get(table);
    const row = store?.rowOf(id);
    if (!store || row === undefined) return null;
    const name = store.column(store.def.primaryNameAttribute)?.get(row);
    return typeof name === 'string' ? name : null;
  }

  /** Whether a lookup may point at `id` in `table` (tables the emulator does not store accept any id). */
  exists(table: string, id: string): boolean {
    if (table === 'transactioncurrency') return id === USD_CURRENCY_ID;
    if (table === 'businessunit') return id === this.businessUnitId;
    const store = this.stores.get(table);
    return store ? store.rowOf(id) !== undefined : true;
  }
}
