/** A column of a Dynamics table as the lead database knows it (the field catalog). */
export type AttributeType =
  | 'BigInt' | 'Boolean' | 'Customer' | 'DateTime' | 'Decimal' | 'Double' | 'Integer' | 'Lookup'
  | 'Memo' | 'Money' | 'Owner' | 'Picklist' | 'State' | 'Status' | 'String' | 'Uniqueidentifier'
  | 'EntityName' | 'Virtual' | 'PartyList' | 'ManagedProperty' | 'CalendarRules';

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
}

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
