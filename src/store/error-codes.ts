/**
 * The store's error codes and who acts on each (see ErrorAudience in domain/errors.ts). The
 * declaration merging below makes them valid `ErrorCode`s; the API's one mapping reads the table.
 */
import type { ErrorAudience } from '../domain/errors.js';

export const STORE_ERROR_CODES = {
  api_client_exists: 'input',
  api_client_not_found: 'not_found',
  checkpoint_conflict: 'local',
  client_secret_required: 'input',
  connection_change_refused: 'setup',
  credentials_not_bound: 'setup',
  data_dir_lock_failed: 'local',
  data_dir_locked: 'local',
  data_dir_unsafe: 'local',
  database_unreachable: 'unavailable',
  field_entity_mismatch: 'input',
  insecure_url: 'input',
  invalid_schema_name: 'input',
  invalid_search_text: 'input',
  invalid_org_url: 'input',
  invalid_authority: 'input',
  no_company: 'input',
  no_database: 'setup',
  no_sync_run: 'local',
  not_a_company_field: 'input',
  not_connected: 'setup',
  password_required: 'input',
  person_not_found: 'not_found',
  recreate_public: 'input',
  runner_already_running: 'setup',
  runner_lock_lost: 'local',
  sealed_secret_malformed: 'local',
  secret_key_file_insecure: 'local',
  secret_key_invalid: 'local',
  secret_key_mismatch: 'local',
  copy_not_supported: 'local',
  invalid_org_name: 'input',
  org_not_found: 'not_found',
  org_exists: 'input',
  org_required: 'input',
  org_needs_postgres: 'setup',
  admin_user_not_found: 'not_found',
  last_admin: 'input',
  invalid_sort: 'input',
} as const satisfies Record<string, ErrorAudience>;

type StoreErrorCodes = typeof STORE_ERROR_CODES;

declare module '../domain/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the table's codes
  interface ErrorCodes extends StoreErrorCodes {}
}
