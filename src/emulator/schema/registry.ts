/** The schema registry: table definitions plus run-time custom columns, with change listeners. */
import type { SchemaRegistry } from '../context.js';
import { createStandardTables } from './tables.js';
import type { ColumnDef, TableDef } from './types.js';

type Listener = Parameters<SchemaRegistry['onChange']>[0];

export function createSchemaRegistry(opts: { changeTrackingDisabled: string[] }): SchemaRegistry {
  const tables = createStandardTables(opts.changeTrackingDisabled);
  const byName = new Map(tables.map((t) => [t.logicalName, t]));
  const bySet = new Map(tables.map((t) => [t.entitySetName, t]));
  const listeners: Listener[] = [];

  const mustGet = (name: string): TableDef => {
    const t = byName.get(name);
    if (!t) throw new Error(`unknown table '${name}'`);
    return t;
  };

  return {
    tables: () => tables,
    table: (name) => byName.get(name),
    tableBySet: (set) => bySet.get(set),
    addColumn(table: string, col: ColumnDef) {
      const t = mustGet(table);
      if (t.columns.has(col.logicalName)) throw new Error(`column '${table}.${col.logicalName}' already exists`);
      t.columns.set(col.logicalName, col);
      for (const l of listeners) l({ table, added: col });
    },
    removeColumn(table: string, logicalName: string) {
      const t = mustGet(table);
      const col = t.columns.get(logicalName);
      if (!col) throw new Error(`column '${table}.${logicalName}' does not exist`);
      if (!col.isCustom) throw new Error(`only custom columns can be removed, not '${table}.${logicalName}'`);
      t.columns.delete(logicalName);
      for (const l of listeners) l({ table, removed: logicalName });
    },
    addTable(def: TableDef) {
      if (byName.has(def.logicalName)) throw new Error(`table '${def.logicalName}' already exists`);
      if (bySet.has(def.entitySetName)) throw new Error(`entity set '${def.entitySetName}' already exists`);
      tables.push(def);
      byName.set(def.logicalName, def);
      bySet.set(def.entitySetName, def);
      for (const l of listeners) l({ table: def.logicalName, addedTable: def });
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
