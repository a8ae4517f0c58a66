/** A column of a Dynamics table as the lead database knows it (the field catalog). */
export type AttributeType =
  | 'BigInt'
  | 'Boolean'
  | 'Customer'
  | 'DateTime'
  | 'Decimal'
  | 'Double'
  | 'Integer'
  | 'Lookup'
  | 'Memo'
  | 'Money'
  | 'Owner'
  | 'Picklist'
  | 'State'
  | 'Status'
  | 'String'
  | 'Uniqueidentifier'
  | 'EntityName'
  | 'Virtual'
  | 'PartyList'
  | 'ManagedProperty'
  | 'CalendarRules';

export interface OptionValue {
  readonly value: number;
  readonly label: string;
}

export interface CatalogField {
  readonly entity: string;
  readonly logicalName: string;
  readonly attributeType: AttributeType;
  readonly displayName: string;
  readonly isValidForRead: boolean;
  readonly isSecured: boolean;
  /** Whether the sync user may read it (secured columns need a field security profile). */
  readonly readable: boolean;
  readonly isCustom: boolean;
  readonly maxLength: number | null;
  /** MinValue / MaxValue of a number column; absent or null: the column type's own range applies. */
  readonly minValue?: number | null;
  readonly maxValue?: number | null;
  readonly requiredLevel: string;
  readonly options: readonly OptionValue[] | null;
  /** Whether the sync user may change it on an existing record (metadata, table privilege, column security). */
  readonly canUpdate: boolean;
  /** Whether the sync user may set it when creating a record. */
  readonly canCreate: boolean;
  /** Why `canUpdate` is false (null when true). */
  readonly updateDenied: WriteDenial | null;
  /** Why `canCreate` is false (null when true). */
  readonly createDenied: WriteDenial | null;
}

/**
 * Why the sync user may not write a column, checked in this order (the first that applies wins):
 * the column's metadata (IsValidForUpdate / IsValidForCreate), the table privilege of the user's
 * roles (prvWrite… / prvCreate…), then column security (field permission CanUpdate / CanCreate).
 * `not_checked`: a catalog stored before write capability was read; refreshing it fills it in.
 */
export type WriteDenial =
  | 'not_valid_for_update'
  | 'not_valid_for_create'
  | 'no_write_privilege'
  | 'no_create_privilege'
  | 'secured_no_update'
  | 'secured_no_create'
  | 'not_checked';

/**
 * The tables dynasync writes to: people only. Accounts and users are never written whatever the
 * catalog's write flags say; their flags are informational (what the sync user could do).
 */
export const WRITTEN_ENTITIES: readonly string[] = ['lead', 'contact'];

export type FieldAvailability = 'readable' | 'secured_unreadable' | 'not_valid_for_read';

export const availabilityOf = (f: Pick<CatalogField, 'isValidForRead' | 'readable'>): FieldAvailability =>
  !f.isValidForRead ? 'not_valid_for_read' : f.readable ? 'readable' : 'secured_unreadable';

/** A selected column and the local field it fills. */
export interface SelectedField {
  readonly entity: string;
  readonly logicalName: string;
  /** Local (lead database) field name, e.g. `billingCity` for account `address1_city`. */
  readonly localName: string;
}
