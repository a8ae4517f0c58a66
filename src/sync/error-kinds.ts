/**
 * What kind of sync error this is and the plain next step, from its code and direction: validation
 * (Dynamics refused a value we sent), permission (the sync user may not), schema (the tables or
 * columns changed), data (a value from Dynamics we cannot store), transient (retried by itself).
 * Pure, so the page, the digest and the tests say the same.
 */
export type ErrorCategory = 'validation' | 'permission' | 'schema' | 'data' | 'transient';

export interface ErrorKind {
  readonly category: ErrorCategory;
  readonly nextStep: string;
  /** Whether retrying the record can help (a refused write, after the cause is fixed). */
  readonly retryHelps: boolean;
}

const TRANSIENT = new Set([
  'network_error',
  'timeout',
  'server_error',
  'throttled',
  'malformed_response',
  'organization_unreachable',
  'authority_unreachable',
  'auth_unavailable',
  'database_unavailable',
]);
const CREDENTIALS = new Set(['sign_in_failed', 'auth_failed', 'credentials_not_bound']);
const SCHEMA = new Set([
  'unknown_option',
  'column_deleted',
  'table_blocked',
  'change_tracking_disabled',
  'not_configured',
]);
const DATA = new Set([
  'wrong_type',
  'invalid_characters',
  'value_too_long',
  'value_out_of_range',
  'missing_id',
  'invalid_email',
  'unsupported_type',
]);
/** Dataverse's privilege errors (PrivilegeDenied, principal lacks access, field security). */
const DATAVERSE_PRIVILEGE = new Set(['0x80040220', '0x80042f09', '0x8004f507']);

export function errorKind(code: string, direction: string): ErrorKind {
  if (TRANSIENT.has(code))
    return { category: 'transient', nextStep: 'Nothing to do: dynasync tries again by itself.', retryHelps: false };
  if (CREDENTIALS.has(code))
    return {
      category: 'permission',
      nextStep: 'Fix the sign-in on the Connection page; the next cycle reads again.',
      retryHelps: false,
    };
  if (code === 'privilege_denied' || code === 'http_403' || DATAVERSE_PRIVILEGE.has(code))
    return direction === 'to_dynamics'
      ? {
          category: 'permission',
          nextStep:
            'Give the sync user’s security role write access to this table (and its field security profile Update on the column), then Retry.',
          retryHelps: true,
        }
      : {
          category: 'permission',
          nextStep: 'Give the sync user’s security role read access to this table, or deselect it.',
          retryHelps: false,
        };
  if (code === 'column_unreadable')
    return {
      category: 'permission',
      nextStep:
        'Give the sync user read on the column in its field security profile, or deselect the column in Field sync.',
      retryHelps: false,
    };
  if (SCHEMA.has(code))
    return {
      category: 'schema',
      nextStep:
        'Open Field sync and save this table’s selection again: it refreshes the columns and options from Dynamics; the record syncs at its next change.',
      retryHelps: false,
    };
  if (code === 'record_deleted')
    return {
      category: 'data',
      nextStep: 'The record was deleted in Dynamics, so there is nothing to write: Resolve.',
      retryHelps: false,
    };
  if (DATA.has(code))
    return {
      category: 'data',
      nextStep: 'Correct the value in Dynamics (the message names the column); the record syncs at its next change.',
      retryHelps: false,
    };
  if (direction === 'to_dynamics')
    return {
      category: 'validation',
      nextStep:
        'Dynamics refused the value: correct it on the person page (it is sent again), or change the rule in Dynamics, then Retry.',
      retryHelps: true,
    };
  return {
    category: 'data',
    nextStep: 'Read the message, correct the record in Dynamics; it syncs at its next change.',
    retryHelps: false,
  };
}

/** A link to the record in Dynamics, only for a real organization (https, not this machine's emulator). */
export function dynamicsRecordUrl(orgUrl: string | null, entity: string, recordId: string | null): string | null {
  if (!orgUrl || !recordId || !/^[0-9a-f-]{36}$/i.test(recordId)) return null;
  let url: URL;
  try {
    url = new URL(orgUrl);
  } catch {
    return null;
  }
  const host = url.hostname.toLowerCase();
  if (url.protocol !== 'https:' || host === 'localhost' || host.startsWith('127.') || host === '[::1]') return null;
  const q = new URLSearchParams({ pagetype: 'entityrecord', etn: entity, id: recordId });
  return `${url.origin}/main.aspx?${q.toString()}`;
}
