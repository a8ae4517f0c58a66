/**
 * The range a Dynamics column can hold, checked before a value typed in the lead database (REST
 * API) is stored: a value Dynamics could never hold must not sit in the lead database as if it
 * came from there. A column's own MinValue/MaxValue apply where its catalog entry carries them;
 * otherwise the limits of its type, which Dataverse enforces on every column of that type (they
 * are also the defaults of a new column). Text length is checked by convertValue (MaxLength).
 */
import { InvalidInputError, type AttributeType, type CatalogField } from '../domain/index.js';
import type { LocalValue } from './convert.js';

export interface NumericRange {
  readonly min: number;
  readonly max: number;
}

/** Dataverse's limits per numeric type (BigInt: what a JSON number holds exactly). */
export const TYPE_RANGES: Readonly<Partial<Record<AttributeType, NumericRange>>> = Object.freeze({
  Integer: { min: -2_147_483_648, max: 2_147_483_647 },
  BigInt: { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  Money: { min: -922_337_203_685_477, max: 922_337_203_685_477 },
  Decimal: { min: -100_000_000_000, max: 100_000_000_000 },
  Double: { min: -100_000_000_000, max: 100_000_000_000 },
});

/** Dataverse's DateTime range (SQL Server's datetime): 1753-01-01 to 9999-12-31. */
export const DATE_RANGE = Object.freeze({ min: Date.UTC(1753, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) });

export const describeDateRange = (): string => '1753-01-01 to 9999-12-31';

/** A column as the catalog may describe it, with its own bounds where known. */
export type RangedColumn = CatalogField & { readonly minValue?: number | null; readonly maxValue?: number | null };

export function numericRange(column: RangedColumn): NumericRange | null {
  const type = TYPE_RANGES[column.attributeType];
  if (!type) return null;
  // A column's own bounds narrow its type's, never widen them.
  return {
    min: Math.max(type.min, column.minValue ?? type.min),
    max: Math.min(type.max, column.maxValue ?? type.max),
  };
}

/** Whether a time (ms since the epoch) is one Dynamics can store. */
export const isStorableDate = (ms: number): boolean =>
  Number.isFinite(ms) && ms >= DATE_RANGE.min && ms <= DATE_RANGE.max;

/** Refuses a converted value outside the column's range (InvalidInputError `value_out_of_range`). */
export function checkRange(column: RangedColumn, value: LocalValue): void {
  if (value === null) return;
  const name = `${column.entity}.${column.logicalName}`;
  const range = typeof value === 'number' ? numericRange(column) : null;
  if (range && typeof value === 'number' && (value < range.min || value > range.max)) {
    throw new InvalidInputError(
      'value_out_of_range',
      `${name}: ${value} is outside the column's range, ${range.min} to ${range.max}`,
    );
  }
  if (column.attributeType === 'DateTime' && typeof value === 'string' && !isStorableDate(Date.parse(value))) {
    throw new InvalidInputError(
      'value_out_of_range',
      `${name}: ${value.slice(0, 40)} is outside Dynamics' date range, ${describeDateRange()}`,
    );
  }
}
