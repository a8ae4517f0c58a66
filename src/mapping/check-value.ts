/**
 * The checks every value read from Dynamics passes before it reaches SQL: GUIDs for keys and
 * lookups (uuid columns), calendar dates inside Dataverse's range (timestamptz columns), numbers
 * inside their column's MinValue/MaxValue. A value that fails is one record's problem: it raises a
 * BadValueError naming the column, the record is skipped with a sync error, and its page goes on.
 * (A database error instead would fail the whole page, and with it the table.)
 */
import { SkippableError, type CatalogField, type ErrorCode } from '../domain/index.js';

/** A skippable record error that knows the Dynamics column at fault. */
export class BadValueError extends SkippableError {
  constructor(
    code: ErrorCode,
    readonly entity: string,
    readonly column: string,
    detail: string,
  ) {
    super(code, `${entity}.${column}: ${detail}`);
  }
}

export const badValue = (code: ErrorCode, entity: string, column: string, detail: string): never => {
  throw new BadValueError(code, entity, column, detail);
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;

export function describe(value: unknown): string {
  const s = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : JSON.stringify(value);
  return `${typeof value} ${s ?? String(value)}`;
}

/** A GUID in lower case (the uuid columns' form). */
export function checkGuid(entity: string, column: string, value: unknown): string {
  if (typeof value !== 'string' || !GUID.test(value))
    return badValue('wrong_type', entity, column, `expected a GUID, got ${describe(value)}`);
  return value.toLowerCase();
}

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * An ISO date or date-time that exists on the calendar (Date.parse rolls 2023-02-30 over to March;
 * PostgreSQL refuses it) and lies in Dataverse's range, 1753-01-01 to 9999-12-31.
 */
export function checkDate(entity: string, column: string, value: unknown): string {
  const m = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  const bad = (why: string) =>
    badValue('wrong_type', entity, column, `expected an ISO date, got ${describe(value)}${why}`);
  if (!m) return bad('');
  const [year, month, day, hour = 0, minute = 0, second = 0, offH = 0, offM = 0] = m
    .slice(1)
    .map((x) => Number(x ?? 0));
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysIn(year!, month!)) return bad(' (no such day)');
  if (hour! > 23 || minute! > 59 || second! > 59 || offH! > 14 || offM! > 59) return bad(' (no such time)');
  if (year! < 1753 || year! > 9999) {
    return badValue(
      'value_out_of_range',
      entity,
      column,
      `${describe(value)} is outside Dataverse's dates, 1753-01-01 to 9999-12-31`,
    );
  }
  return value as string;
}

/** The range of each number type when the catalog has none (Dataverse's limits per column type). */
const TYPE_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  Integer: [-2_147_483_648, 2_147_483_647],
  BigInt: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  Money: [-922_337_203_685_477, 922_337_203_685_477],
  Decimal: [-100_000_000_000, 100_000_000_000],
  Double: [-100_000_000_000, 100_000_000_000],
};

/** A number inside the column's own MinValue/MaxValue (and its type's range). */
export function checkRange(field: CatalogField, value: number): number {
  const [typeMin, typeMax] = TYPE_RANGES[field.attributeType] ?? [-Number.MAX_VALUE, Number.MAX_VALUE];
  const min = Math.max(field.minValue ?? typeMin, typeMin);
  const max = Math.min(field.maxValue ?? typeMax, typeMax);
  if (value < min || value > max) {
    badValue(
      'value_out_of_range',
      field.entity,
      field.logicalName,
      `${value} is outside the column's range, ${min} to ${max}`,
    );
  }
  return value;
}
