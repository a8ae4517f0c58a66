/** Builds the full ColumnDef of a custom column from the few fields a test or the admin API gives. */
import { stableUuid } from '../identity/ids.js';
import type { ColumnDef, ColumnType, OptionDef, RequiredLevel } from '../schema/types.js';

export const CUSTOM_COLUMN_TYPES = [
  'String',
  'Memo',
  'Integer',
  'BigInt',
  'Money',
  'Decimal',
  'Double',
  'Boolean',
  'DateTime',
  'Picklist',
  'Lookup',
  'Customer',
] as const;
export type CustomColumnType = (typeof CUSTOM_COLUMN_TYPES)[number] & ColumnType;

export interface CustomColumnSpec {
  /** With a publisher prefix, e.g. `new_tier`. */
  logicalName: string;
  type: CustomColumnType;
  displayName?: string;
  schemaName?: string;
  /** String and Memo; defaults 100 and 2000. */
  maxLength?: number;
  /** Picklist (required) and Boolean (optional labels for 0 and 1). */
  options?: OptionDef[];
  /** Lookup targets (table logical names); several make a multi-table (polymorphic) lookup. A Customer column always targets account and contact. */
  targets?: string[];
  requiredLevel?: RequiredLevel;
  isSecured?: boolean;
  dateOnly?: boolean;
}

/** Dataverse's Customer type: a lookup to an account or a contact, nothing else. */
export const CUSTOMER_TARGETS: readonly string[] = ['account', 'contact'];

const BOOLEAN_OPTIONS: OptionDef[] = [
  { value: 0, label: 'No' },
  { value: 1, label: 'Yes' },
];

export function customColumn(table: string, spec: CustomColumnSpec): ColumnDef {
  const [prefix, ...rest] = spec.logicalName.split('_');
  const tail = rest.join('_');
  return {
    logicalName: spec.logicalName,
    schemaName: spec.schemaName ?? `${prefix}_${tail.charAt(0).toUpperCase()}${tail.slice(1)}`,
    type: spec.type,
    displayName: spec.displayName ?? tail.replace(/_/g, ' '),
    metadataId: stableUuid('attribute', `${table}.${spec.logicalName}`),
    requiredLevel: spec.requiredLevel ?? 'None',
    ...(spec.type === 'String' || spec.type === 'Memo'
      ? { maxLength: spec.maxLength ?? (spec.type === 'String' ? 100 : 2000) }
      : {}),
    ...(spec.type === 'Picklist' ? { options: spec.options ?? [] } : {}),
    ...(spec.type === 'Boolean' ? { options: spec.options ?? BOOLEAN_OPTIONS } : {}),
    ...(spec.type === 'Lookup' ? { targets: spec.targets ?? [] } : {}),
    ...(spec.type === 'Customer' ? { targets: CUSTOMER_TARGETS } : {}),
    ...(spec.type === 'DateTime' && spec.dateOnly ? { dateOnly: true } : {}),
    isValidForRead: true,
    isValidForCreate: true,
    isValidForUpdate: true,
    isSecured: spec.isSecured ?? false,
    isCustom: true,
  };
}
