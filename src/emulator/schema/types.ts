/** The emulator's model of Dataverse tables and columns (what EntityDefinitions describes). */
export type ColumnType =
  | 'String'
  | 'Memo'
  | 'Integer'
  | 'BigInt'
  | 'Money'
  | 'Decimal'
  | 'Double'
  | 'Boolean'
  | 'DateTime'
  | 'Picklist'
  | 'State'
  | 'Status'
  | 'Lookup'
  | 'Customer'
  | 'Owner'
  | 'Uniqueidentifier'
  | 'EntityName';

export type RequiredLevel = 'None' | 'SystemRequired' | 'ApplicationRequired' | 'Recommended';

export interface OptionDef {
  readonly value: number;
  readonly label: string;
}

export interface ColumnDef {
  readonly logicalName: string;
  readonly schemaName: string;
  readonly type: ColumnType;
  readonly displayName: string;
  readonly metadataId: string;
  readonly requiredLevel: RequiredLevel;
  readonly maxLength?: number;
  readonly minValue?: number;
  readonly maxValue?: number;
  readonly precision?: number;
  /** Picklist, State and Status columns. */
  readonly options?: readonly OptionDef[];
  /** Lookup, Customer and Owner columns: target tables, e.g. ['account', 'contact']. */
  readonly targets?: readonly string[];
  /** DateTime with DateOnly behaviour serializes as Edm.Date ("2025-05-01"). */
  readonly dateOnly?: boolean;
  /** Two Options columns: the value a create without one stores (Dataverse's DefaultValue). */
  readonly defaultValue?: boolean;
  readonly isValidForRead: boolean;
  readonly isValidForCreate: boolean;
  readonly isValidForUpdate: boolean;
  /** Column security: mutable at run time through the admin API, so drift can be tested. */
  isSecured: boolean;
  readonly isCustom: boolean;
  readonly isPrimaryId?: boolean;
  readonly isPrimaryName?: boolean;
  /** Lookups whose row is deleted with the record it points at (a connection with either end). */
  readonly cascadeDelete?: boolean;
}

export interface TableDef {
  readonly logicalName: string;
  readonly entitySetName: string;
  readonly schemaName: string;
  readonly displayName: string;
  readonly displayCollectionName: string;
  readonly primaryIdAttribute: string;
  readonly primaryNameAttribute: string;
  readonly metadataId: string;
  readonly objectTypeCode: number;
  readonly ownership: 'UserOwned' | 'OrganizationOwned';
  /** Mutable through the admin API (a table can have change tracking off). */
  changeTrackingEnabled: boolean;
  /** Insertion-ordered; custom columns are added and removed at run time. */
  readonly columns: Map<string, ColumnDef>;
  /** A custom table (added at run time or by a seed): EntityMetadata.IsCustomEntity. */
  readonly isCustom?: boolean;
}

/** Lookup columns are read as `_x_value`; this is the wire name of a column. */
export const wireName = (c: Pick<ColumnDef, 'logicalName' | 'type'>): string =>
  c.type === 'Lookup' || c.type === 'Customer' || c.type === 'Owner' ? `_${c.logicalName}_value` : c.logicalName;
