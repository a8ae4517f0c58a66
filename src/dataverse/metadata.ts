/**
 * Table and column metadata, validated with zod (Dataverse metadata is large, loosely typed JSON)
 * and flattened into what the field catalog needs. Type-specific facts (MaxLength, option sets) sit
 * on derived metadata types, so they come from one request per cast type, never one per column.
 */
import { z } from 'zod';
import type { AttributeType, OptionValue } from '../domain/index.js';
import { MalformedResponseError } from './errors.js';

export interface EntityDefinition {
  logicalName: string;
  entitySetName: string;
  primaryIdAttribute: string;
  primaryNameAttribute: string | null;
  changeTrackingEnabled: boolean;
}

export interface RawAttribute {
  logicalName: string;
  attributeType: AttributeType;
  /** E.g. `MultiSelectPicklistType`, `ImageType`: refines Virtual columns. */
  attributeTypeName: string | null;
  /** The label in the user's language, else the first label, else the logical name. */
  displayName: string;
  isValidForRead: boolean;
  /** AttributeMetadata.IsValidForUpdate / IsValidForCreate: whether any caller may set it on update / create. */
  isValidForUpdate: boolean;
  isValidForCreate: boolean;
  isSecured: boolean;
  isCustom: boolean;
  /** Always null: companion columns (AttributeOf set) are left out. Kept for the catalog's shape. */
  attributeOf: null;
  /** String and Memo columns only. */
  maxLength: number | null;
  /** Number columns only (Integer, BigInt, Money, Decimal, Double). */
  minValue: number | null;
  maxValue: number | null;
  requiredLevel: string;
  /** Picklist, State, Status, Boolean (and multi-select) columns only. */
  options: OptionValue[] | null;
  /** Matches `AttributeId` in RetrievePrincipalAttributePrivileges. */
  metadataId: string;
}

const Label = z
  .object({
    UserLocalizedLabel: z.object({ Label: z.string() }).nullish(),
    LocalizedLabels: z.array(z.object({ Label: z.string() })).nullish(),
  })
  .nullish();
type Label = z.infer<typeof Label>;

export const EntityDefinitionBody = z.object({
  LogicalName: z.string(),
  EntitySetName: z.string(),
  PrimaryIdAttribute: z.string(),
  PrimaryNameAttribute: z.string().nullish(),
  ChangeTrackingEnabled: z.boolean().nullish(),
});

const AttributeBody = z.object({
  LogicalName: z.string(),
  AttributeType: z.string(),
  AttributeTypeName: z.object({ Value: z.string() }).nullish(),
  IsValidForRead: z.boolean().nullish(),
  IsValidForUpdate: z.boolean().nullish(),
  IsValidForCreate: z.boolean().nullish(),
  IsValidODataAttribute: z.boolean().nullish(),
  IsSecured: z.boolean().nullish(),
  IsCustomAttribute: z.boolean().nullish(),
  AttributeOf: z.string().nullish(),
  RequiredLevel: z.object({ Value: z.string() }).nullish(),
  DisplayName: Label,
  MetadataId: z.string(),
});
export const AttributeList = z.object({ value: z.array(AttributeBody) });

const Option = z.object({ Value: z.number(), Label });
const OptionSet = z
  .object({ Options: z.array(Option).nullish(), TrueOption: Option.nullish(), FalseOption: Option.nullish() })
  .nullish();
export const MaxLengthList = z.object({
  value: z.array(z.object({ LogicalName: z.string(), MaxLength: z.number().nullish() })),
});
export const RangeList = z.object({
  value: z.array(z.object({ LogicalName: z.string(), MinValue: z.number().nullish(), MaxValue: z.number().nullish() })),
});
export const OptionSetList = z.object({ value: z.array(z.object({ LogicalName: z.string(), OptionSet })) });

/** The derived metadata types to ask for, by the AttributeType (or AttributeTypeName) that needs them. */
export const CASTS = {
  String: { cast: 'StringAttributeMetadata', query: '$select=LogicalName,MaxLength' },
  Memo: { cast: 'MemoAttributeMetadata', query: '$select=LogicalName,MaxLength' },
  Picklist: { cast: 'PicklistAttributeMetadata', query: '$select=LogicalName&$expand=OptionSet' },
  State: { cast: 'StateAttributeMetadata', query: '$select=LogicalName&$expand=OptionSet' },
  Status: { cast: 'StatusAttributeMetadata', query: '$select=LogicalName&$expand=OptionSet' },
  Boolean: { cast: 'BooleanAttributeMetadata', query: '$select=LogicalName&$expand=OptionSet' },
  MultiSelectPicklistType: {
    cast: 'MultiSelectPicklistAttributeMetadata',
    query: '$select=LogicalName&$expand=OptionSet',
  },
  Integer: { cast: 'IntegerAttributeMetadata', query: '$select=LogicalName,MinValue,MaxValue' },
  BigInt: { cast: 'BigIntAttributeMetadata', query: '$select=LogicalName,MinValue,MaxValue' },
  Money: { cast: 'MoneyAttributeMetadata', query: '$select=LogicalName,MinValue,MaxValue' },
  Decimal: { cast: 'DecimalAttributeMetadata', query: '$select=LogicalName,MinValue,MaxValue' },
  Double: { cast: 'DoubleAttributeMetadata', query: '$select=LogicalName,MinValue,MaxValue' },
} as const;
export type CastKind = 'length' | 'range' | 'options';
/** Which list a cast request answers with. */
export const castKind = (key: CastKey): CastKind =>
  key === 'String' || key === 'Memo' ? 'length' : CASTS[key].query.includes('MinValue') ? 'range' : 'options';
export type CastKey = keyof typeof CASTS;

const ATTRIBUTE_TYPES: ReadonlySet<string> = new Set<AttributeType>([
  'BigInt',
  'Boolean',
  'Customer',
  'DateTime',
  'Decimal',
  'Double',
  'Integer',
  'Lookup',
  'Memo',
  'Money',
  'Owner',
  'Picklist',
  'State',
  'Status',
  'String',
  'Uniqueidentifier',
  'EntityName',
  'Virtual',
  'PartyList',
  'ManagedProperty',
  'CalendarRules',
]);

export function parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new MalformedResponseError(
      `Unexpected ${what} from Dataverse: ${result.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  return result.data;
}

export function toEntityDefinition(body: z.infer<typeof EntityDefinitionBody>): EntityDefinition {
  return {
    logicalName: body.LogicalName,
    entitySetName: body.EntitySetName,
    primaryIdAttribute: body.PrimaryIdAttribute,
    primaryNameAttribute: body.PrimaryNameAttribute ?? null,
    changeTrackingEnabled: body.ChangeTrackingEnabled === true,
  };
}

/** Columns a client can name in `$select`: companions (`AttributeOf`, e.g. yomi names) and non-OData columns are not. */
export function selectableAttributes(list: z.infer<typeof AttributeList>): z.infer<typeof AttributeBody>[] {
  return list.value.filter((a) => !a.AttributeOf && a.IsValidODataAttribute !== false);
}

/** Which cast requests the given columns need (at most one per cast type). */
export function castsNeeded(attrs: readonly z.infer<typeof AttributeBody>[]): CastKey[] {
  const keys = new Set<CastKey>();
  for (const a of attrs) {
    const key = a.AttributeTypeName?.Value === 'MultiSelectPicklistType' ? 'MultiSelectPicklistType' : a.AttributeType;
    if (key in CASTS) keys.add(key as CastKey);
  }
  return [...keys];
}

export function maxLengths(list: z.infer<typeof MaxLengthList>): Map<string, number> {
  return new Map(list.value.flatMap((a) => (typeof a.MaxLength === 'number' ? [[a.LogicalName, a.MaxLength]] : [])));
}

export type Range = { readonly min: number | null; readonly max: number | null };

export function ranges(list: z.infer<typeof RangeList>): Map<string, Range> {
  return new Map(list.value.map((a) => [a.LogicalName, { min: a.MinValue ?? null, max: a.MaxValue ?? null }]));
}

export function optionSets(list: z.infer<typeof OptionSetList>): Map<string, OptionValue[]> {
  return new Map(list.value.map((a) => [a.LogicalName, optionsOf(a.OptionSet)]));
}

function optionsOf(set: z.infer<typeof OptionSet>): OptionValue[] {
  if (!set) return [];
  const all = set.Options ?? [set.FalseOption, set.TrueOption].filter((o) => o !== null && o !== undefined);
  return all.map((o) => ({ value: o.Value, label: labelOf(o.Label) ?? String(o.Value) }));
}

export function toRawAttribute(
  a: z.infer<typeof AttributeBody>,
  lengths: ReadonlyMap<string, number>,
  options: ReadonlyMap<string, OptionValue[]>,
  numberRanges: ReadonlyMap<string, Range> = new Map(),
): RawAttribute {
  return {
    logicalName: a.LogicalName,
    // Dataverse's AttributeTypeCode list is closed; an unknown future type is treated as unsupported (Virtual).
    attributeType: ATTRIBUTE_TYPES.has(a.AttributeType) ? (a.AttributeType as AttributeType) : 'Virtual',
    attributeTypeName: a.AttributeTypeName?.Value ?? null,
    displayName: labelOf(a.DisplayName) ?? a.LogicalName,
    isValidForRead: a.IsValidForRead !== false,
    isValidForUpdate: a.IsValidForUpdate !== false,
    isValidForCreate: a.IsValidForCreate !== false,
    isSecured: a.IsSecured === true,
    isCustom: a.IsCustomAttribute === true,
    attributeOf: null,
    maxLength: lengths.get(a.LogicalName) ?? null,
    minValue: numberRanges.get(a.LogicalName)?.min ?? null,
    maxValue: numberRanges.get(a.LogicalName)?.max ?? null,
    requiredLevel: a.RequiredLevel?.Value ?? 'None',
    options: options.get(a.LogicalName) ?? null,
    metadataId: a.MetadataId.toLowerCase(),
  };
}

function labelOf(label: Label): string | undefined {
  const text = label?.UserLocalizedLabel?.Label ?? label?.LocalizedLabels?.[0]?.Label;
  return text === undefined || text === '' ? undefined : text;
}
