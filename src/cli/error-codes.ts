/**
 * The command line's error codes (bad options, nothing to signal) and who acts on each (see ErrorAudience in domain/errors.ts). The declaration
 * merging below makes them valid `ErrorCode`s; the API's one mapping reads the table.
 */
import type { ErrorAudience } from '../domain/errors.js';

export const CLI_ERROR_CODES = {
  entity_required: 'input',
  invalid_id: 'input',
  invalid_interval: 'input',
  invalid_port: 'input',
  invalid_seed: 'input',
  invalid_sync_as: 'input',
  missing_option: 'input',
  no_runner: 'setup',
  unknown_entity: 'input',
  invalid_option: 'input',
  worker_needs_postgres: 'setup',
  one_action: 'input',
  table_required: 'input',
  invalid_url: 'input',
  runner_unreachable: 'setup',
} as const satisfies Record<string, ErrorAudience>;

type CliErrorCodes = typeof CLI_ERROR_CODES;

declare module '../domain/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the table's codes
  interface ErrorCodes extends CliErrorCodes {}
}
