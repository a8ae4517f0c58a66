/**
 * `EntityDefinitions(...)/ManyToOneRelationships`: one OneToManyRelationshipMetadata per lookup
 * column and target table, the referencing side being this table (Dataverse lists a Customer or
 * polymorphic lookup once per target). Unpaged, `$select` and `$filter` as on other metadata.
 */
import { stableUuid } from '../identity/ids.js';
import type { ColumnDef, TableDef } from '../schema/types.js';
import { applySelect, parseFilter, parseSelect } from './query.js';

type Obj = Record<string, unknown>;
const TYPE = 'Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata';
const PROPERTIES = new Set([
  'MetadataId',
  'SchemaName',
  'RelationshipType',
  'IsCustomRelationship',
  'ReferencedEntity',
  'ReferencedAttribute',
  'ReferencingEntity',
  'ReferencingAttribute',
  'ReferencedEntityNavigationPropertyName',
  'ReferencingEntityNavigationPropertyName',
]);
const LOOKUPS = new Set(['Lookup', 'Customer', 'Owner']);

/** The primary key of a referenced table; tables the emulator does not store follow Dataverse's `<name>id`. */
type PrimaryKeyOf = (table: string) => string;

export function manyToOneRelationships(table: TableDef, q: URLSearchParams, primaryKeyOf: PrimaryKeyOf): Obj[] {
  const select = parseSelect(q.get('$select'), PROPERTIES, TYPE);
  const keep = parseFilter(q.get('$filter'), PROPERTIES, TYPE);
  return [...table.columns.values()]
    .filter((c) => LOOKUPS.has(c.type))
    .flatMap((c) => (c.targets ?? []).map((target) => serialize(table, c, target, primaryKeyOf(target))))
    .filter(keep)
    .map((o) => applySelect(o, select));
}

function serialize(table: TableDef, c: ColumnDef, target: string, referencedKey: string): Obj {
  const multi = (c.targets?.length ?? 0) > 1;
  const schemaName = `${target}_${table.logicalName}_${c.logicalName}`;
  return {
    '@odata.type': `#${TYPE}`,
    MetadataId: stableUuid('relationship', schemaName),
    SchemaName: schemaName,
    RelationshipType: 'OneToManyRelationship',
    IsCustomRelationship: c.isCustom,
    ReferencedEntity: target,
    ReferencedAttribute: referencedKey,
    ReferencingEntity: table.logicalName,
    ReferencingAttribute: c.logicalName,
    ReferencedEntityNavigationPropertyName: schemaName,
    // A polymorphic lookup has one single-valued navigation property per target (parentcustomerid_account).
    ReferencingEntityNavigationPropertyName: multi ? `${c.logicalName}_${target}` : c.logicalName,
  };
}
