/**
 * Converts one wire value to the value stored in the lead database, validating it against the
 * column's catalog entry. A value that cannot be stored faithfully raises a SkippableError: the
 * record is skipped and reported, the rest of its page goes on.
 */
import type { CatalogField, ErrorCode } from '../domain/index.js';
import { badValue, checkDate, checkGuid, checkRange, describe } from './check-value.js';

/** jsonb cannot hold U+0000; Marketo's text fields hold at most this much. */
const NUL = /\u0000/;
/** A UTF-16 surrogate without its pair: valid in a JS string and in SQL Server, refused by jsonb and text. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const LOCAL_TEXT_LIMIT = 30_000;

export type LocalValue = string | number | boolean | null;

const fail = (code: ErrorCode, field: CatalogField, detail: string): never =>
  badValue(code, field.entity, field.logicalName, detail);

export function convertValue(field: CatalogField, value: unknown): LocalValue {
  if (value === null || value === undefined) return null;
  switch (field.attributeType) {
    case 'String':
    case 'Memo':
    case 'EntityName':
      return text(field, value);
    case 'Integer':
    case 'BigInt':
    case 'Money':
    case 'Decimal':
    case 'Double':
      return num(field, value);
    case 'Boolean':
      if (typeof value !== 'boolean') fail('wrong_type', field, `expected a boolean, got ${describe(value)}`);
      return value as boolean;
    case 'Picklist':
    case 'State':
    case 'Status':
      return option(field, value);
    case 'DateTime':
      return checkDate(field.entity, field.logicalName, value);
    case 'Lookup':
    case 'Customer':
    case 'Owner':
    case 'Uniqueidentifier':
      return checkGuid(field.entity, field.logicalName, value);
    default:
      return fail('unsupported_type', field, `columns of type ${field.attributeType} are not synced`);
  }
}

function text(field: CatalogField, value: unknown): string {
  if (typeof value !== 'string') return fail('wrong_type', field, `expected text, got ${describe(value)}`);
  if (NUL.test(value)) fail('invalid_characters', field, 'contains a NUL character, which cannot be stored');
  if (LONE_SURROGATE.test(value))
    fail('invalid_characters', field, 'contains a broken UTF-16 character (a lone surrogate), which cannot be stored');
  const limit = Math.min(field.maxLength ?? LOCAL_TEXT_LIMIT, LOCAL_TEXT_LIMIT);
  // Length in UTF-16 code units is what Dataverse's MaxLength counts.
  if (value.length > limit)
    fail('value_too_long', field, `${value.length} characters, more than the column's ${limit}`);
  return value;
}

function num(field: CatalogField, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return fail('wrong_type', field, `expected a number, got ${describe(value)}`);
  }
  if ((field.attributeType === 'Integer' || field.attributeType === 'BigInt') && !Number.isInteger(value)) {
    fail('wrong_type', field, `expected a whole number, got ${value}`);
  }
  return checkRange(field, value);
}

function option(field: CatalogField, value: unknown): string {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return fail('wrong_type', field, `expected an option value, got ${describe(value)}`);
  }
  const found = field.options?.find((o) => o.value === value);
  if (!found) return fail('unknown_option', field, `option value ${value} is not in the column's option set`);
  return found.label;
}
