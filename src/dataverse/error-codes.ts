/**
 * The Dataverse client's error codes (Web API answers, sign-in refusals) and who acts on each (see ErrorAudience in domain/errors.ts). The declaration
 * merging below makes them valid `ErrorCode`s; the API's one mapping reads the table.
 */
import type { ErrorAudience } from '../domain/errors.js';

export const DATAVERSE_ERROR_CODES = {
  auth_failed: 'dynamics',
  auth_unavailable: 'unavailable',
  authority_unreachable: 'unavailable',
  change_tracking_disabled: 'dynamics',
  column_deleted: 'dynamics',
  connection_incomplete: 'setup',
  invalid_link: 'dynamics',
  invalid_name: 'input',
  malformed_response: 'unavailable',
  mfa_required: 'dynamics',
  network_error: 'unavailable',
  not_dataverse: 'dynamics',
  not_found: 'dynamics',
  organization_unreachable: 'unavailable',
  privilege_denied: 'dynamics',
  request_failed: 'dynamics',
  server_error: 'unavailable',
  throttled: 'unavailable',
  timeout: 'unavailable',
  unknown_client: 'dynamics',
  unknown_table: 'dynamics',
  unknown_tenant: 'dynamics',
  user_disabled: 'dynamics',
  wrong_client_secret: 'dynamics',
  wrong_password: 'dynamics',
} as const satisfies Record<string, ErrorAudience>;

type DataverseErrorCodes = typeof DATAVERSE_ERROR_CODES;

declare module '../domain/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the table's codes
  interface ErrorCodes extends DataverseErrorCodes {}
}
