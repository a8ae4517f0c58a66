/**
 * The field catalog (every column of a Dynamics table as last read from its metadata) and the
 * field selection (the columns synced, and the local field each fills). Both are replaced per
 * entity as a whole, so a reader never sees half of an old list and half of a new one.
 */
import type { AttributeType, CatalogField, OptionValue, SelectedField, WriteDenial } from '../domain/fields.js';
import { FatalError } from '../domain/errors.js';
import { inTransaction } from './db/tx.js';
import type { SqlClient } from './db/types.js';

function assertEntity(entity: string, items: readonly { entity: string; logicalName: string }[]): void {
  const stray = items.find((f) => f.entity !== entity);
  if (stray) {
    throw new FatalError(
      'field_entity_mismatch',
      `Field ${stray.entity}.${stray.logicalName} given in the list for ${entity}`,
    );
  }
}

// One jsonb parameter carries the whole list: the statement stays the same size whatever the
// number of columns, and it behaves identically on both backends.
const INSERT_CATALOG = `
INSERT INTO field_catalog (entity, logical_name, attribute_type, display_name, is_valid_for_read,
  is_secured, readable, is_custom, max_length, min_value, max_value, required_level, options, can_update, can_create,
  update_denied, create_denied, refreshed_at)
SELECT $1, x.logical_name, x.attribute_type, x.display_name, x.is_valid_for_read,
  x.is_secured, x.readable, x.is_custom, x.max_length, x.min_value, x.max_value, x.required_level, x.options,
  x.can_update, x.can_create, x.update_denied, x.create_denied, now()
FROM jsonb_to_recordset($2::jsonb) AS x(logical_name text, attribute_type text, display_name text,
  is_valid_for_read boolean, is_secured boolean, readable boolean, is_custom boolean,
  max_length int, min_value float8, max_value float8, required_level text, options jsonb, can_update boolean,
  can_create boolean, update_denied text, create_denied text)`;

export async function replaceCatalog(c: SqlClient, entity: string, fields: readonly CatalogField[]): Promise<void> {
  assertEntity(entity, fields);
  const rows = fields.map((f) => ({
    logical_name: f.logicalName,
    attribute_type: f.attributeType,
    display_name: f.displayName,
    is_valid_for_read: f.isValidForRead,
    is_secured: f.isSecured,
    readable: f.readable,
    is_custom: f.isCustom,
    max_length: f.maxLength,
    min_value: f.minValue ?? null,
    max_value: f.maxValue ?? null,
    required_level: f.requiredLevel,
    options: f.options,
    can_update: f.canUpdate,
    can_create: f.canCreate,
    update_denied: f.updateDenied,
    create_denied: f.createDenied,
  }));
  await inTransaction(c, async (tx) => {
    await tx.query('DELETE FROM field_catalog WHERE entity = $1', [entity]);
    if (rows.length > 0) await tx.query(INSERT_CATALOG, [entity, JSON.stringify(rows)]);
  });
}

export interface CatalogRow {
  entity: string;
  logical_name: string;
  attribute_type: AttributeType;
  display_name: string;
  is_valid_for_read: boolean;
  is_secured: boolean;
  readable: boolean;
  is_custom: boolean;
  max_length: number | null;
  min_value: number | null;
  max_value: number | null;
  required_level: string;
  options: OptionValue[] | null;
  can_update: boolean;
  can_create: boolean;
  update_denied: WriteDenial | null;
  create_denied: WriteDenial | null;
}

export const toCatalogField = (r: CatalogRow): CatalogField => ({
  entity: r.entity,
  logicalName: r.logical_name,
  attributeType: r.attribute_type,
  displayName: r.display_name,
  isValidForRead: r.is_valid_for_read,
  isSecured: r.is_secured,
  readable: r.readable,
  isCustom: r.is_custom,
  maxLength: r.max_length,
  minValue: r.min_value,
  maxValue: r.max_value,
  requiredLevel: r.required_level,
  options: r.options,
  canUpdate: r.can_update,
  canCreate: r.can_create,
  updateDenied: r.update_denied,
  createDenied: r.create_denied,
});

/** The catalog of one entity, by logical name. Empty when its metadata was never read. */
export async function listCatalog(c: SqlClient, entity: string): Promise<CatalogField[]> {
  const r = await c.query<CatalogRow>('SELECT * FROM field_catalog WHERE entity = $1 ORDER BY logical_name', [entity]);
  return r.rows.map(toCatalogField);
}

/** The selection of one entity, or of all entities when none is given. */
export async function getSelection(c: SqlClient, entity?: string): Promise<SelectedField[]> {
  const r = await c.query<{ entity: string; logical_name: string; local_name: string }>(
    `SELECT entity, logical_name, local_name FROM field_selection
     WHERE $1::text IS NULL OR entity = $1 ORDER BY entity, logical_name`,
    [entity ?? null],
  );
  return r.rows.map((s) => ({ entity: s.entity, logicalName: s.logical_name, localName: s.local_name }));
}

const INSERT_SELECTION = `
INSERT INTO field_selection (entity, logical_name, local_name)
SELECT $1, x.logical_name, x.local_name FROM jsonb_to_recordset($2::jsonb) AS x(logical_name text, local_name text)`;

export async function replaceSelection(c: SqlClient, entity: string, fields: readonly SelectedField[]): Promise<void> {
  assertEntity(entity, fields);
  const rows = fields.map((f) => ({ logical_name: f.logicalName, local_name: f.localName }));
  await inTransaction(c, async (tx) => {
    await tx.query('DELETE FROM field_selection WHERE entity = $1', [entity]);
    if (rows.length > 0) await tx.query(INSERT_SELECTION, [entity, JSON.stringify(rows)]);
  });
}
