/**
 * Builds the field catalog of a table from Dynamics metadata: every column, its type, whether the
 * sync user can read it (a secured column needs a field security profile that grants read), and
 * whether it may update and create it (write-capability.ts).
 */
import type { AttributeType, CatalogField } from '../domain/index.js';
import type { SourceAttribute, SourceReader } from './ports.js';
import { writeFlags, type WriteRights } from './write-capability.js';

/** Companion columns (`…name`, `…yominame`) and virtual ones are not columns one syncs. */
const SKIPPED_TYPES = new Set(['Virtual', 'PartyList', 'CalendarRules', 'ManagedProperty']);

export async function fetchCatalog(source: SourceReader, entity: string, userId: string): Promise<CatalogField[]> {
  const [attributes, columns, privileges] = await Promise.all([
    source.attributes(entity),
    source.columnPrivileges(userId),
    source.privileges(userId),
  ]);
  return toCatalog(entity, attributes, { columns, privileges });
}

export function toCatalog(entity: string, attributes: readonly SourceAttribute[], rights: WriteRights): CatalogField[] {
  return attributes
    .filter((a) => a.attributeOf === null && !SKIPPED_TYPES.has(a.attributeType))
    .map((a) => ({
      entity,
      logicalName: a.logicalName,
      attributeType: a.attributeType as AttributeType,
      displayName: a.displayName || a.logicalName,
      isValidForRead: a.isValidForRead,
      isSecured: a.isSecured,
      readable: a.isValidForRead && (!a.isSecured || rights.columns.get(a.metadataId)?.read === true),
      isCustom: a.isCustom,
      maxLength: a.maxLength,
      minValue: a.minValue ?? null,
      maxValue: a.maxValue ?? null,
      requiredLevel: a.requiredLevel,
      options: a.options,
      ...writeFlags(entity, a, rights),
    }))
    .sort((x, y) => x.logicalName.localeCompare(y.logicalName));
}
