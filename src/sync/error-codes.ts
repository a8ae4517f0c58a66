/**
 * The engine's error codes and who acts on each (see ErrorAudience in domain/errors.ts). The declaration
 * merging below makes them valid `ErrorCode`s; the API's one mapping reads the table.
 */
import type { ErrorAudience } from '../domain/errors.js';

export const SYNC_ERROR_CODES = {
  field_not_selectable: 'input',
  not_configured: 'setup',
  read_ended_without_delta_link: 'dynamics',
  range_key_invalid: 'dynamics',
  runner_without_source: 'local',
  sign_in_failed: 'dynamics',
  unsupported_entity: 'input',
  not_supported: 'input',
  table_not_eligible: 'input',
  intermediate_not_enabled: 'input',
  not_enabled: 'input',
  table_in_use: 'input',
  cycle_running: 'unavailable',
  field_quick_sync_pending: 'input',
  quick_sync_unsupported: 'input',
  fields_required: 'input',
  invalid_range: 'input',
  field_not_refreshable: 'input',
  table_not_synced: 'input',
  invalid_date: 'input',
  quick_sync_fields_gone: 'input',
  webhook_registered: 'input',
  reread_unsupported: 'input',
  alert_email_failed: 'unavailable',
  alert_webhook_failed: 'unavailable',
} as const satisfies Record<string, ErrorAudience>;

type SyncErrorCodes = typeof SYNC_ERROR_CODES;

declare module '../domain/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the table's codes
  interface ErrorCodes extends SyncErrorCodes {}
}
