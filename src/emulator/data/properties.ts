/**
 * Resolves the property names a client uses ($select, $filter, $orderby) to storage:
 * lookups answer to `_x_value`, the primary key to its own name, everything else to its logical name.
 */
import { DvCode } from '../../wire/index.js';
import { badRequest } from '../errors.js';
import { wireName, type ColumnDef } from '../schema/types.js';
import { LookupColumn } from './columns.js';
import type { TableStore } from './table-store.js';

export interface PropertyRef {
  readonly wire: string;
  /** Undefined for the primary key, which lives in `store.ids`. */
  readonly def: ColumnDef | undefined;
  readonly get: (row: number) => unknown;
  readonly lookup: LookupColumn | undefined;
}

export function propertyNotFound(store: TableStore, name: string) {
  return badRequest(
    `Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.${store.def.logicalName}'.`,
    DvCode.QueryValidation,
  );
}

export function resolveProperty(store: TableStore, name: string): PropertyRef {
  if (name === store.def.primaryIdAttribute) {
    const ids = store.ids;
    return { wire: name, def: undefined, get: (row) => ids[row], lookup: undefined };
  }
  const logical = /^_(.+)_value$/.exec(name)?.[1];
  const col = store.column(logical ?? name);
  if (!col || wireName(col.def) !== name || !col.def.isValidForRead) throw propertyNotFound(store, name);
  return {
    wire: name,
    def: col.def,
    get: (row) => col.get(row),
    lookup: col instanceof LookupColumn ? col : undefined,
  };
}

/** Every readable column in definition order (a query without $select returns all of them). */
export function allProperties(store: TableStore): PropertyRef[] {
  const out: PropertyRef[] = [];
  for (const def of store.def.columns.values()) {
    if (def.isPrimaryId || !def.isValidForRead || !store.column(def.logicalName)) continue;
    out.push(resolveProperty(store, wireName(def)));
  }
  return out;
}
