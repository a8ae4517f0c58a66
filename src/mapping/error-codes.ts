/**
 * The value checks' error codes (one record's problem) and who acts on each (see ErrorAudience in domain/errors.ts). The declaration
 * merging below makes them valid `ErrorCode`s; the API's one mapping reads the table.
 */
import type { ErrorAudience } from '../domain/errors.js';

export const MAPPING_ERROR_CODES = {
  invalid_characters: 'record',
  invalid_email: 'record',
  missing_id: 'record',
  unknown_option: 'record',
  unsupported_type: 'record',
  value_out_of_range: 'record',
  value_too_long: 'record',
  wrong_type: 'record',
} as const satisfies Record<string, ErrorAudience>;

type MappingErrorCodes = typeof MAPPING_ERROR_CODES;

declare module '../domain/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the table's codes
  interface ErrorCodes extends MappingErrorCodes {}
}
