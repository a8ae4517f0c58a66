/**
 * The HTTP server's own error codes and who acts on each (see ErrorAudience in domain/errors.ts). The declaration
 * merging below makes them valid `ErrorCode`s; the API's one mapping reads the table.
 */
import type { ErrorAudience } from '../domain/errors.js';

export const API_ERROR_CODES = {
  invalid_api_client_name: 'input',
  invalid_cursor: 'input',
  invalid_input: 'input',
  invalid_password: 'input',
  no_failed_write: 'not_found',
  owner_not_found: 'input',
  port_in_use: 'local',
  weak_password: 'input',
  no_open_error: 'not_found',
  invalid_role: 'input',
  invalid_filter: 'input',
  unknown_filter_field: 'input',
  invalid_filter_op: 'input',
  alert_settings_incomplete: 'input',
  alert_setting_locked: 'input',
} as const satisfies Record<string, ErrorAudience>;

type ApiErrorCodes = typeof API_ERROR_CODES;

declare module '../domain/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the table's codes
  interface ErrorCodes extends ApiErrorCodes {}
}
