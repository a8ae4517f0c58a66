/**
 * An EntityPlan is what one stream reads and how it maps: the selected, readable columns of a
 * table, their local names, and the `$select` list. It is data, built from the field catalog and
 * the selection, so the engine has no per-table code.
 */
import { createHash } from 'node:crypto';
import {
  ENTITY_INFO,
  type CatalogField,
  type SelectedField,
  type StreamEntity,
  type SyncEntity,
} from '../domain/index.js';

export interface FieldPlan {
  readonly wireName: string;
  readonly localName: string;
  readonly field: CatalogField;
}

export interface EntityPlan {
  /** A standard table, or an enabled custom table (custom-plan.ts). */
  readonly entity: StreamEntity;
  readonly entitySet: string;
  readonly primaryKey: string;
  /** Selected columns the sync user can read now: only these are written. */
  readonly fields: readonly FieldPlan[];
  /** Selected columns that turned unreadable: stored values are kept, never overwritten. */
  readonly unreadable: readonly string[];
  /** The `$select` list: system columns plus every selected column still valid for read. */
  readonly select: readonly string[];
  /** Changes when the selection changes; a new selection needs a new full read. */
  readonly selectHash: string;
  /** Lookups whose table each row names (lookuplogicalname annotation), kept per record by local name. */
  readonly lookupTables?: readonly Pick<FieldPlan, 'wireName' | 'localName'>[];
}

const LOOKUP_TYPES = new Set(['Lookup', 'Customer', 'Owner']);

export const wireNameOf = (f: Pick<CatalogField, 'logicalName' | 'attributeType'>): string =>
  LOOKUP_TYPES.has(f.attributeType) ? `_${f.logicalName}_value` : f.logicalName;

export function buildPlan(
  entity: SyncEntity,
  catalog: readonly CatalogField[],
  selection: readonly SelectedField[],
): EntityPlan {
  const info = ENTITY_INFO[entity];
  const byName = new Map(catalog.map((f) => [f.logicalName, f]));
  const fields: FieldPlan[] = [];
  const unreadable: string[] = [];
  const select = new Set(info.systemColumns);
  for (const c of info.optionalColumns ?? []) if (byName.has(c.logicalName)) select.add(c.wireName);
  for (const s of selection) {
    if (s.entity !== entity) continue;
    const field = byName.get(s.logicalName);
    if (!field || !field.isValidForRead) continue; // the engine reports missing columns separately
    select.add(wireNameOf(field));
    if (field.readable) fields.push({ wireName: wireNameOf(field), localName: s.localName, field });
    else unreadable.push(s.logicalName);
  }
  const selectList = [...select].sort();
  return {
    entity,
    entitySet: info.entitySet,
    primaryKey: info.primaryKey,
    fields,
    unreadable,
    select: selectList,
    selectHash: createHash('sha256').update(selectList.join(',')).digest('hex').slice(0, 16),
  };
}

/** Selected columns that no longer exist in the catalog (deleted in Dynamics). */
export function missingColumns(
  entity: string,
  catalog: readonly CatalogField[],
  selection: readonly SelectedField[],
): string[] {
  const names = new Set(catalog.map((f) => f.logicalName));
  return selection.filter((s) => s.entity === entity && !names.has(s.logicalName)).map((s) => s.logicalName);
}
