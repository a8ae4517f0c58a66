/**
 * AttributeMetadata as the Web API serializes it. Each column type maps to a derived metadata type
 * (`StringAttributeMetadata`, `PicklistAttributeMetadata`, ...) whose extra properties are only
 * selectable through a cast, as in Dataverse.
 */
import type { ColumnDef, ColumnType, TableDef } from '../schema/types.js';
import { label } from './labels.js';

type Obj = Record<string, unknown>;

interface TypeInfo {
  /** Derived metadata type, without the `Microsoft.Dynamics.CRM.` namespace. */
  readonly metadataType: string;
  readonly typeName: string;
  /** Properties only this derived type has (selectable after a cast). */
  readonly extra: readonly string[];
}

const NUMERIC = ['MinValue', 'MaxValue'];
const TYPES: Record<ColumnType, TypeInfo> = {
  String: {
    metadataType: 'StringAttributeMetadata',
    typeName: 'StringType',
    extra: ['MaxLength', 'Format', 'FormatName', 'DatabaseLength'],
  },
  Memo: { metadataType: 'MemoAttributeMetadata', typeName: 'MemoType', extra: ['MaxLength', 'Format'] },
  Integer: { metadataType: 'IntegerAttributeMetadata', typeName: 'IntegerType', extra: [...NUMERIC, 'Format'] },
  BigInt: { metadataType: 'BigIntAttributeMetadata', typeName: 'BigIntType', extra: NUMERIC },
  Money: {
    metadataType: 'MoneyAttributeMetadata',
    typeName: 'MoneyType',
    extra: [...NUMERIC, 'Precision', 'PrecisionSource'],
  },
  Decimal: { metadataType: 'DecimalAttributeMetadata', typeName: 'DecimalType', extra: [...NUMERIC, 'Precision'] },
  Double: { metadataType: 'DoubleAttributeMetadata', typeName: 'DoubleType', extra: [...NUMERIC, 'Precision'] },
  Boolean: { metadataType: 'BooleanAttributeMetadata', typeName: 'BooleanType', extra: ['DefaultValue'] },
  DateTime: {
    metadataType: 'DateTimeAttributeMetadata',
    typeName: 'DateTimeType',
    extra: ['Format', 'DateTimeBehavior'],
  },
  Picklist: { metadataType: 'PicklistAttributeMetadata', typeName: 'PicklistType', extra: ['DefaultFormValue'] },
  State: { metadataType: 'StateAttributeMetadata', typeName: 'StateType', extra: ['DefaultFormValue'] },
  Status: { metadataType: 'StatusAttributeMetadata', typeName: 'StatusType', extra: ['DefaultFormValue'] },
  Lookup: { metadataType: 'LookupAttributeMetadata', typeName: 'LookupType', extra: ['Targets'] },
  Customer: { metadataType: 'LookupAttributeMetadata', typeName: 'CustomerType', extra: ['Targets'] },
  Owner: { metadataType: 'LookupAttributeMetadata', typeName: 'OwnerType', extra: ['Targets'] },
  Uniqueidentifier: { metadataType: 'UniqueIdentifierAttributeMetadata', typeName: 'UniqueidentifierType', extra: [] },
  EntityName: { metadataType: 'EntityNameAttributeMetadata', typeName: 'EntityNameType', extra: [] },
};

/** Option-set-bearing types: `$expand=OptionSet` is valid after a cast to one of these. */
const OPTION_SET_TYPES = new Set([
  'PicklistAttributeMetadata',
  'StateAttributeMetadata',
  'StatusAttributeMetadata',
  'BooleanAttributeMetadata',
  'EnumAttributeMetadata',
]);
const ENUM_MEMBERS = new Set(['PicklistAttributeMetadata', 'StateAttributeMetadata', 'StatusAttributeMetadata']);

export const BASE_ATTRIBUTE_PROPERTIES: readonly string[] = [
  'MetadataId',
  'LogicalName',
  'SchemaName',
  'EntityLogicalName',
  'AttributeType',
  'AttributeTypeName',
  'IsValidForRead',
  'IsValidForCreate',
  'IsValidForUpdate',
  'IsValidODataAttribute',
  'IsSecured',
  'IsCustomAttribute',
  'IsPrimaryId',
  'IsPrimaryName',
  'IsLogical',
  'AttributeOf',
  'RequiredLevel',
  'DisplayName',
  'Description',
  'CanBeSecuredForRead',
  'CanBeSecuredForCreate',
  'CanBeSecuredForUpdate',
  'ColumnNumber',
];

export const typeInfo = (c: Pick<ColumnDef, 'type'>): TypeInfo => TYPES[c.type];

/** Cast names the emulator knows, e.g. 'PicklistAttributeMetadata'; undefined for anything else. */
export function castMembers(cast: string): ((c: ColumnDef) => boolean) | undefined {
  if (cast === 'AttributeMetadata') return () => true;
  if (cast === 'EnumAttributeMetadata') return (c) => ENUM_MEMBERS.has(TYPES[c.type].metadataType);
  if (!Object.values(TYPES).some((t) => t.metadataType === cast)) return undefined;
  return (c) => TYPES[c.type].metadataType === cast;
}

export const castHasOptionSet = (cast: string | undefined): boolean => cast !== undefined && OPTION_SET_TYPES.has(cast);

/** Properties selectable on a (possibly cast) attribute collection. */
export function selectableProperties(cast: string | undefined): Set<string> {
  const props = new Set(BASE_ATTRIBUTE_PROPERTIES);
  if (!cast) return props;
  for (const t of Object.values(TYPES)) {
    if (t.metadataType === cast || (cast === 'EnumAttributeMetadata' && ENUM_MEMBERS.has(t.metadataType)))
      t.extra.forEach((p) => props.add(p));
  }
  return props;
}

export function serializeAttribute(table: TableDef, c: ColumnDef, columnNumber: number): Obj {
  const info = TYPES[c.type];
  return {
    '@odata.type': `#Microsoft.Dynamics.CRM.${info.metadataType}`,
    MetadataId: c.metadataId,
    LogicalName: c.logicalName,
    SchemaName: c.schemaName,
    EntityLogicalName: table.logicalName,
    AttributeType: c.type,
    AttributeTypeName: { Value: info.typeName },
    IsValidForRead: c.isValidForRead,
    IsValidForCreate: c.isValidForCreate,
    IsValidForUpdate: c.isValidForUpdate,
    IsValidODataAttribute: true,
    IsSecured: c.isSecured,
    IsCustomAttribute: c.isCustom,
    IsPrimaryId: c.isPrimaryId ?? false,
    IsPrimaryName: c.isPrimaryName ?? false,
    IsLogical: false,
    AttributeOf: null,
    RequiredLevel: {
      Value: c.requiredLevel,
      CanBeChanged: c.isCustom,
      ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings',
    },
    DisplayName: label(c.displayName, `${table.logicalName}.${c.logicalName}.display`),
    Description: label(undefined, ''),
    CanBeSecuredForRead: {
      Value: !c.isPrimaryId,
      CanBeChanged: false,
      ManagedPropertyLogicalName: 'canbesecuredforread',
    },
    CanBeSecuredForCreate: {
      Value: !c.isPrimaryId,
      CanBeChanged: false,
      ManagedPropertyLogicalName: 'canbesecuredforcreate',
    },
    CanBeSecuredForUpdate: {
      Value: !c.isPrimaryId,
      CanBeChanged: false,
      ManagedPropertyLogicalName: 'canbesecuredforupdate',
    },
    ColumnNumber: columnNumber,
    ...derivedProperties(c),
  };
}

function derivedProperties(c: ColumnDef): Obj {
  switch (c.type) {
    case 'String':
      return {
        MaxLength: c.maxLength ?? 100,
        Format: 'Text',
        FormatName: { Value: 'Text' },
        DatabaseLength: (c.maxLength ?? 100) * 2,
      };
    case 'Memo':
      return { MaxLength: c.maxLength ?? 2000, Format: 'TextArea' };
    case 'Integer':
      return { MinValue: c.minValue ?? -2147483648, MaxValue: c.maxValue ?? 2147483647, Format: 'None' };
    case 'BigInt':
      return { MinValue: c.minValue ?? Number.MIN_SAFE_INTEGER, MaxValue: c.maxValue ?? Number.MAX_SAFE_INTEGER };
    case 'Money':
      return {
        MinValue: c.minValue ?? -922337203685477,
        MaxValue: c.maxValue ?? 922337203685477,
        Precision: c.precision ?? 2,
        PrecisionSource: 2,
      };
    case 'Decimal':
    case 'Double':
      return {
        MinValue: c.minValue ?? -100000000000,
        MaxValue: c.maxValue ?? 100000000000,
        Precision: c.precision ?? 2,
      };
    case 'Boolean':
      return { DefaultValue: false };
    case 'DateTime':
      return {
        Format: c.dateOnly ? 'DateOnly' : 'DateAndTime',
        DateTimeBehavior: { Value: c.dateOnly ? 'DateOnly' : 'UserLocal' },
      };
    case 'Picklist':
    case 'State':
    case 'Status':
      return { DefaultFormValue: c.type === 'Picklist' ? -1 : null };
    case 'Lookup':
    case 'Customer':
    case 'Owner':
      return { Targets: [...(c.targets ?? [])] };
    default:
      return {};
  }
}

/** The `OptionSet` navigation property (`$expand=OptionSet`). */
export function optionSet(table: TableDef, c: ColumnDef): Obj | null {
  const key = `${table.logicalName}.${c.logicalName}`;
  const opt = (value: number, text: string): Obj => ({
    Value: value,
    Color: null,
    IsManaged: !c.isCustom,
    ExternalValue: null,
    ParentValues: [],
    Label: label(text, `${key}.option.${value}`),
    Description: label(undefined, ''),
  });
  const base = {
    MetadataId: c.metadataId,
    Name: `${table.logicalName}_${c.logicalName}`,
    IsGlobal: false,
    IsCustomOptionSet: c.isCustom,
    DisplayName: label(c.displayName, `${key}.optionset`),
  };
  if (c.type === 'Boolean') {
    const find = (v: number, fallback: string) => c.options?.find((o) => o.value === v)?.label ?? fallback;
    return {
      ...base,
      OptionSetType: 'Boolean',
      TrueOption: opt(1, find(1, 'Yes')),
      FalseOption: opt(0, find(0, 'No')),
    };
  }
  if (c.type !== 'Picklist' && c.type !== 'State' && c.type !== 'Status') return null;
  return { ...base, OptionSetType: c.type, Options: (c.options ?? []).map((o) => opt(o.value, o.label)) };
}
