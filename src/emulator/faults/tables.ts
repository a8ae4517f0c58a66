/**
 * Custom tables, built from the few facts a test, a seed or the admin API gives: a table with a
 * publisher-prefixed name (`new_event_registration`), its primary key (`<name>id`) and primary name
 * (`new_name`), the owner, state and system columns every user-owned Dataverse table has, and its
 * custom columns (lookups to contact, account, lead or another table included). Change tracking is
 * on unless asked otherwise, as for a table created with "Track changes" ticked.
 */
import { stableUuid } from '../identity/ids.js';
import { buildTable, ownedColumns, primaryId, str, systemColumns, type TableSpec } from '../schema/columns.js';
import type { TableDef } from '../schema/types.js';
import { customColumn, type CustomColumnSpec } from './columns.js';

export interface CustomTableSpec {
  /** With a publisher prefix, e.g. `new_event_registration`. */
  logicalName: string;
  displayName?: string;
  displayCollectionName?: string;
  /** Default: the logical name plus `s` (Dataverse's default plural). */
  entitySetName?: string;
  /** The primary name column; default `<prefix>_name`. */
  primaryNameAttribute?: string;
  columns?: CustomColumnSpec[];
  changeTracking?: boolean;
}

/** Custom tables get object type codes from 10,000 up, as in Dataverse (stable per name here). */
const objectTypeCodeOf = (name: string): number =>
  10_000 + (parseInt(stableUuid('otc', name).slice(0, 6), 16) % 90_000);

export function customTable(spec: CustomTableSpec): TableDef {
  const name = spec.logicalName;
  const prefix = name.split('_')[0]!;
  const display = spec.displayName ?? titleOf(name.slice(prefix.length + 1));
  const primaryName = spec.primaryNameAttribute ?? `${prefix}_name`;
  const table: TableSpec = {
    logicalName: name,
    entitySetName: spec.entitySetName ?? `${name}s`,
    displayName: display,
    displayCollectionName: spec.displayCollectionName ?? `${display}s`,
    primaryIdAttribute: `${name}id`,
    primaryNameAttribute: primaryName,
    objectTypeCode: objectTypeCodeOf(name),
    ownership: 'UserOwned',
    columns: [
      primaryId(`${name}id`, display),
      str(primaryName, 'Name', 100, 'ApplicationRequired', { isCustom: true }),
      ...(spec.columns ?? []).map((c) => () => customColumn(name, c)),
      ...ownedColumns(),
      ...systemColumns(),
    ],
  };
  const def = buildTable(table, spec.changeTracking ?? true);
  // Custom tables' metadata ids are not the standard tables' fixed ones: derive them from the name.
  return { ...def, metadataId: stableUuid('entity', name), schemaName: schemaNameOf(name), isCustom: true };
}

const titleOf = (tail: string): string =>
  tail
    .split('_')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join(' ');

/** `new_event_registration` → `new_Event_Registration` (the publisher prefix keeps its case). */
const schemaNameOf = (name: string): string => {
  const [prefix, ...rest] = name.split('_');
  return [prefix, ...rest.map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))].join('_');
};
