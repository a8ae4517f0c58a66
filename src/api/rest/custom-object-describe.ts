/**
 * Marketo's custom-object metadata for the enabled custom tables: `customobjects.json` (the list)
 * and `customobjects/{name}/describe.json`. The record id (`marketoGUID`) and dedupe field are the
 * Dynamics primary key; `leadId` links a record to its person. Every field is CRM-managed.
 */
import { NotFoundError, type CustomTableConfig } from '../../domain/index.js';
import type { Db } from '../../store/db/types.js';
import { getEnabledCustomTable } from '../../store/custom-tables-repo.js';
import { listCustomColumns } from '../../sync/custom-tables.js';
import type { FieldRow } from '../../sync/fields.js';

export interface CustomObjectField {
  readonly name: string;
  readonly displayName: string;
  readonly dataType: string;
  readonly updateable: false;
  readonly crmManaged: true;
}

const TYPES: Readonly<Record<string, string>> = {
  String: 'string',
  Memo: 'text',
  Integer: 'integer',
  BigInt: 'integer',
  Money: 'currency',
  Decimal: 'float',
  Double: 'float',
  Boolean: 'boolean',
  DateTime: 'datetime',
  Picklist: 'integer',
  State: 'integer',
  Status: 'integer',
  Lookup: 'reference',
  Customer: 'reference',
  Owner: 'reference',
  Uniqueidentifier: 'string',
};

const field = (name: string, displayName: string, dataType: string): CustomObjectField => ({
  name,
  displayName,
  dataType,
  updateable: false,
  crmManaged: true,
});

/** The enabled table, or Marketo's "not found" for any other name. */
export async function enabledTable(db: Db, name: string): Promise<CustomTableConfig> {
  const t = await getEnabledCustomTable(db, name);
  if (!t)
    throw new NotFoundError('not_found', `Custom object '${name.slice(0, 100)}' not found (not enabled for sync)`);
  return t;
}

export function objectFields(t: CustomTableConfig, columns: readonly FieldRow[]): CustomObjectField[] {
  return [
    field('marketoGUID', 'Marketo GUID', 'string'),
    field(t.primaryKey, `${t.displayName} (Dynamics id)`, 'string'),
    field('leadId', 'Lead ID', 'link'),
    field('createdAt', 'Created At', 'datetime'),
    field('updatedAt', 'Updated At', 'datetime'),
    ...columns
      .filter((c) => c.selected && c.logicalName !== t.primaryKey)
      .map((c) => field(c.localName ?? c.logicalName, c.displayName, TYPES[c.type] ?? 'string')),
  ];
}

export function describeObject(t: CustomTableConfig, fields?: readonly CustomObjectField[]): Record<string, unknown> {
  return {
    name: t.name,
    displayName: t.displayName,
    description: `Dynamics custom table ${t.name}, synced one way (managed by the CRM)`,
    createdAt: t.enabledAt.toISOString(),
    updatedAt: t.enabledAt.toISOString(),
    idField: 'marketoGUID',
    dedupeFields: [t.primaryKey],
    searchableFields: [['marketoGUID'], [t.primaryKey], ['leadId']],
    relationships: [{ field: 'leadId', type: 'child', relatedTo: { name: 'Lead', field: 'id' } }],
    ...(fields ? { fields } : {}),
  };
}

export async function describeEnabled(db: Db, name: string): Promise<Record<string, unknown>> {
  const t = await enabledTable(db, name);
  return describeObject(t, objectFields(t, await listCustomColumns(db, name)));
}
