/**
 * The read plan of an enabled custom table: its key, timestamps and link lookups on every read,
 * plus the selected readable columns. Link lookups are always read and stored (as their logical
 * names), whatever the selection: they are how a record finds its person and company.
 */
import { createHash } from 'node:crypto';
import type { CatalogField, CustomTableConfig, SelectedField } from '../domain/index.js';
import { wireNameOf, type EntityPlan, type FieldPlan } from './plan.js';

export const linkColumnsOf = (t: Pick<CustomTableConfig, 'links' | 'via'>): string[] => [
  ...new Set([...t.links.map((l) => l.column), ...(t.via ? [t.via.column] : [])]),
];

export function buildCustomPlan(
  table: CustomTableConfig,
  catalog: readonly CatalogField[],
  selection: readonly SelectedField[],
): EntityPlan {
  const byName = new Map(catalog.map((f) => [f.logicalName, f]));
  const fields = new Map<string, FieldPlan>();
  const unreadable: string[] = [];
  const select = new Set([table.primaryKey, 'modifiedon', 'createdon']);
  const add = (logicalName: string, localName: string) => {
    const field = byName.get(logicalName);
    if (!field || !field.isValidForRead) return; // the engine reports missing columns separately
    select.add(wireNameOf(field));
    if (field.readable) fields.set(logicalName, { wireName: wireNameOf(field), localName, field });
    else unreadable.push(logicalName);
  };
  for (const column of linkColumnsOf(table)) add(column, column);
  for (const s of selection) if (s.entity === table.name && !fields.has(s.logicalName)) add(s.logicalName, s.localName);
  const selectList = [...select].sort();
  const links = new Set(linkColumnsOf(table));
  return {
    entity: table.name,
    entitySet: table.entitySet,
    primaryKey: table.primaryKey,
    fields: [...fields.values()],
    unreadable,
    select: selectList,
    selectHash: createHash('sha256').update(selectList.join(',')).digest('hex').slice(0, 16),
    // Which table a (polymorphic) link points at, per row: the lookuplogicalname annotation.
    lookupTables: [...fields.values()]
      .filter((f) => links.has(f.field.logicalName))
      .map((f) => ({ wireName: f.wireName, localName: f.localName })),
  };
}
