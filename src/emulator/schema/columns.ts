/** Small builders for column definitions, so tables.ts reads like the Dataverse reference. */
import { metadataId } from './ids.js';
import { ACTIVE_STATE, ACTIVE_STATUS } from './option-sets.js';
import type { ColumnDef, ColumnType, OptionDef, RequiredLevel, TableDef } from './types.js';

type Extra = Partial<Omit<ColumnDef, 'logicalName' | 'type' | 'displayName' | 'metadataId'>>;

export type ColumnFactory = (table: string) => ColumnDef;

function schemaNameOf(logicalName: string): string {
  return logicalName
    .split('_')
    .map((part) => (part ? part[0]!.toUpperCase() + part.slice(1) : part))
    .join('_');
}

/** Standard tables whose schema name is not the capitalised logical name. */
const TABLE_SCHEMA_NAMES: Readonly<Record<string, string>> = { systemuser: 'SystemUser' };

export function column(logicalName: string, type: ColumnType, displayName: string, extra: Extra = {}): ColumnFactory {
  return (table) => ({
    logicalName,
    schemaName: schemaNameOf(logicalName),
    type,
    displayName,
    metadataId: metadataId(`${table}.${logicalName}`),
    requiredLevel: 'None',
    isValidForRead: true,
    isValidForCreate: true,
    isValidForUpdate: true,
    isSecured: false,
    isCustom: false,
    ...extra,
  });
}

const req = (level: RequiredLevel | undefined): Extra => (level ? { requiredLevel: level } : {});

export const str = (name: string, display: string, maxLength: number, level?: RequiredLevel, extra: Extra = {}) =>
  column(name, 'String', display, { maxLength, ...req(level), ...extra });
export const memo = (name: string, display: string, maxLength = 2000) => column(name, 'Memo', display, { maxLength });
export const int = (name: string, display: string, minValue = -2147483648, maxValue = 2147483647) =>
  column(name, 'Integer', display, { minValue, maxValue });
export const money = (name: string, display: string, extra: Extra = {}) =>
  column(name, 'Money', display, { minValue: -922337203685477, maxValue: 922337203685477, precision: 2, ...extra });
export const bool = (name: string, display: string) => column(name, 'Boolean', display);
export const date = (name: string, display: string, extra: Extra = {}) => column(name, 'DateTime', display, extra);
export const pick = (name: string, display: string, options: readonly OptionDef[]) =>
  column(name, 'Picklist', display, { options });
export const lookup = (name: string, display: string, targets: string[], extra: Extra = {}) =>
  column(name, 'Lookup', display, { targets, ...extra });
export const customer = (name: string, display: string) =>
  column(name, 'Customer', display, { targets: ['account', 'contact'] });
export const guid = (name: string, display: string) => column(name, 'Uniqueidentifier', display);

const readOnly: Extra = { isValidForCreate: false, isValidForUpdate: false };

export const primaryId = (name: string, display: string) =>
  column(name, 'Uniqueidentifier', display, {
    isPrimaryId: true,
    requiredLevel: 'SystemRequired',
    isValidForUpdate: false,
  });

/** Columns every standard table carries: audit stamps, rowversion, import bookkeeping. */
export function systemColumns(): ColumnFactory[] {
  return [
    date('createdon', 'Created On', readOnly),
    date('modifiedon', 'Modified On', readOnly),
    lookup('createdby', 'Created By', ['systemuser'], readOnly),
    lookup('modifiedby', 'Modified By', ['systemuser'], readOnly),
    column('versionnumber', 'BigInt', 'Version Number', readOnly),
    int('importsequencenumber', 'Import Sequence Number', -2147483648, 2147483647),
    date('overriddencreatedon', 'Record Created On', { isValidForUpdate: false }),
  ];
}

/** Owner, state and status of user-owned tables with the plain Active/Inactive life cycle. */
export function ownedColumns(state = ACTIVE_STATE, status = ACTIVE_STATUS): ColumnFactory[] {
  return [
    column('ownerid', 'Owner', 'Owner', { targets: ['systemuser', 'team'], requiredLevel: 'SystemRequired' }),
    column('statecode', 'State', 'Status', { options: state, requiredLevel: 'SystemRequired' }),
    column('statuscode', 'Status', 'Status Reason', { options: status }),
  ];
}

export const currency = () => lookup('transactioncurrencyid', 'Currency', ['transactioncurrency']);

export interface TableSpec {
  logicalName: string;
  entitySetName: string;
  displayName: string;
  displayCollectionName: string;
  primaryIdAttribute: string;
  primaryNameAttribute: string;
  objectTypeCode: number;
  ownership: TableDef['ownership'];
  columns: ColumnFactory[];
}

export function buildTable(spec: TableSpec, changeTrackingEnabled: boolean): TableDef {
  const columns = new Map<string, ColumnDef>();
  for (const factory of spec.columns) {
    const def = factory(spec.logicalName);
    columns.set(def.logicalName, def.logicalName === spec.primaryNameAttribute ? { ...def, isPrimaryName: true } : def);
  }
  return {
    logicalName: spec.logicalName,
    entitySetName: spec.entitySetName,
    schemaName: TABLE_SCHEMA_NAMES[spec.logicalName] ?? schemaNameOf(spec.logicalName),
    displayName: spec.displayName,
    displayCollectionName: spec.displayCollectionName,
    primaryIdAttribute: spec.primaryIdAttribute,
    primaryNameAttribute: spec.primaryNameAttribute,
    metadataId: metadataId(spec.logicalName),
    objectTypeCode: spec.objectTypeCode,
    ownership: spec.ownership,
    changeTrackingEnabled,
    columns,
  };
}
