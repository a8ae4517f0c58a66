/**
 * Metadata of custom tables: which tables are custom (EntityMetadata.IsCustomEntity) and where their
 * lookups point (ManyToOneRelationships: one relationship per lookup column and target table).
 */
import { z } from 'zod';

export interface CustomEntityDefinition {
  readonly logicalName: string;
  readonly schemaName: string;
  readonly entitySetName: string;
  readonly primaryIdAttribute: string;
  readonly primaryNameAttribute: string | null;
  readonly changeTrackingEnabled: boolean;
  readonly displayName: string;
}

export interface LookupRelationship {
  /** The lookup column of this table. */
  readonly column: string;
  /** The table it points at. */
  readonly target: string;
}

export const CUSTOM_ENTITIES_PATH =
  'EntityDefinitions?$select=LogicalName,SchemaName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,ChangeTrackingEnabled,DisplayName' +
  '&$filter=IsCustomEntity eq true';

export const manyToOnePath = (logicalName: string): string =>
  `EntityDefinitions(LogicalName='${logicalName}')/ManyToOneRelationships?$select=ReferencingAttribute,ReferencedEntity`;

const Label = z
  .object({
    UserLocalizedLabel: z.object({ Label: z.string() }).nullish(),
    LocalizedLabels: z.array(z.object({ Label: z.string() })).nullish(),
  })
  .nullish();

export const CustomEntityList = z.object({
  value: z.array(
    z.object({
      LogicalName: z.string(),
      SchemaName: z.string(),
      EntitySetName: z.string().nullish(),
      PrimaryIdAttribute: z.string(),
      PrimaryNameAttribute: z.string().nullish(),
      ChangeTrackingEnabled: z.boolean().nullish(),
      DisplayName: Label,
    }),
  ),
});

export const ManyToOneList = z.object({
  value: z.array(z.object({ ReferencingAttribute: z.string(), ReferencedEntity: z.string() })),
});

export function toCustomEntities(list: z.infer<typeof CustomEntityList>): CustomEntityDefinition[] {
  return list.value
    .filter((e) => e.EntitySetName) // intersect and virtual tables have no entity set to read
    .map((e) => ({
      logicalName: e.LogicalName,
      schemaName: e.SchemaName,
      entitySetName: e.EntitySetName!,
      primaryIdAttribute: e.PrimaryIdAttribute,
      primaryNameAttribute: e.PrimaryNameAttribute ?? null,
      changeTrackingEnabled: e.ChangeTrackingEnabled === true,
      displayName:
        e.DisplayName?.UserLocalizedLabel?.Label ?? e.DisplayName?.LocalizedLabels?.[0]?.Label ?? e.LogicalName,
    }))
    .sort((a, b) => a.logicalName.localeCompare(b.logicalName));
}

export const toRelationships = (list: z.infer<typeof ManyToOneList>): LookupRelationship[] =>
  list.value.map((r) => ({ column: r.ReferencingAttribute, target: r.ReferencedEntity }));
