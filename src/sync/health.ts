/**
 * The one health line: healthy, behind, throttled or failing, with the one action that fixes it.
 * A pure function of status facts (health-facts.ts gathers them), so `dynasync status`, /api/status
 * and every admin page say the same thing for the same state, and tests can state each case.
 *
 * Precedence, first match wins: the database, no connection, refused credentials, Dynamics
 * unreachable, a blocked table, throttling, no successful cycle for three intervals, any other
 * failure of the runner, then behind (an unfinished initial read, or a backlog the last hour's rate
 * clears in more than one interval), else healthy.
 */
import type { RunnerHealth } from './runner-health.js';

export type HealthState = 'healthy' | 'behind' | 'throttled' | 'failing';
export type HealthCause =
  | 'database'
  | 'not_connected'
  | 'credentials'
  | 'dynamics_unreachable'
  | 'blocked_table'
  | 'throttled'
  | 'stalled'
  | 'never_synced'
  | 'sync_failing'
  | 'initial_sync'
  | 'backlog';

export interface TableFacts {
  readonly table: string;
  readonly phase: 'not_started' | 'initial' | 'delta';
  readonly blockedReason: string | null;
  /** Changes waiting in Dynamics (null: unknown). */
  readonly pendingChanges: number | null;
  readonly pendingError: { readonly code: string; readonly reason?: string; readonly message: string } | null;
  /** The table's error in its last cycle, if that cycle failed it. */
  readonly lastCycleError: { readonly code: string; readonly message: string } | null;
}

export interface HealthFacts {
  readonly now: Date;
  readonly intervalMs: number;
  /** Null when the database answered; otherwise why it did not. */
  readonly databaseError: string | null;
  readonly connected: boolean;
  readonly runner: RunnerHealth | null;
  readonly tables: readonly TableFacts[];
  /** Local changes waiting to be written to Dynamics (the outbox, pending rows). */
  readonly outboxPending: number;
  /** Records synced by the cycles that started in the last hour. */
  readonly recordsLastHour: number;
  /** End of the last cycle that synced at least one table (success or partial). */
  readonly lastSuccessAt: string | null;
  /** Whether any cycle ever ran. */
  readonly anyCycle: boolean;
  /** Records with an open sync error (not resolved, not synced since). */
  readonly openRecordErrors: number;
}

export interface Health {
  readonly state: HealthState;
  readonly cause: HealthCause | null;
  /** One sentence: what is true now. */
  readonly summary: string;
  /** The one thing to do about it (for healthy: nothing to do). */
  readonly action: string;
  /** Records waiting: pending in Dynamics plus local changes waiting for Dynamics. */
  readonly backlog: number;
  /** Seconds to clear the backlog at the last hour's rate (null: no rate, or no backlog). */
  readonly etaSeconds: number | null;
  /** Tables named by the cause (the blocked ones, the initial reads). */
  readonly tables: readonly string[];
}

/** Codes that mean Dynamics (or its sign-in service) did not answer. */
const UNREACHABLE = new Set([
  'organization_unreachable',
  'authority_unreachable',
  'auth_unavailable',
  'network_error',
  'timeout',
  'server_error',
  'malformed_response',
]);

/** Sign-in refusals and stored credentials that cannot be used. */
const CREDENTIALS = new Set(['sign_in_failed', 'auth_failed', 'credentials_not_bound', 'secret_key_invalid']);

export const STALL_INTERVALS = 3;

export function computeHealth(f: HealthFacts): Health {
  const backlog = backlogOf(f);
  const eta = etaOf(backlog, f.recordsLastHour);
  const base = { backlog, etaSeconds: eta, tables: [] as string[] };
  const fail = (cause: HealthCause, summary: string, action: string, tables: string[] = []): Health => ({
    ...base,
    state: 'failing',
    cause,
    summary,
    action,
    tables,
  });
  if (f.databaseError !== null)
    return fail(
      'database',
      `The lead database does not answer: ${f.databaseError}`,
      'Check DATABASE_URL and that the database server is running; dynasync retries by itself.',
    );
  if (!f.connected)
    return fail(
      'not_connected',
      'No Dynamics connection is stored, so nothing syncs.',
      'Enter the organization and the sync user on the Connection page (or run `dynasync connect`).',
    );
  const failure = currentFailure(f);
  if (failure && CREDENTIALS.has(failure.code))
    return fail('credentials', `Dynamics refused the sign-in: ${failure.message}`, credentialsAction(failure.reason));
  if (failure && UNREACHABLE.has(failure.code))
    return fail(
      'dynamics_unreachable',
      `Dynamics does not answer: ${failure.message}`,
      'Check the organization URL and this machine’s network or proxy; dynasync retries by itself.',
    );
  const blocked = f.tables.filter((t) => t.blockedReason);
  if (blocked.length > 0)
    return fail(
      'blocked_table',
      `${list(blocked.map((t) => t.table))} stopped syncing: ${blocked[0]!.blockedReason}`,
      'Open Field sync and save the field selection of the blocked table again (a selected column is gone in Dynamics).',
      blocked.map((t) => t.table),
    );
  if (failure?.code === 'throttled')
    return {
      ...base,
      state: 'throttled',
      cause: 'throttled',
      summary: `Dynamics is throttling the sync user’s requests: ${failure.message}`,
      action:
        'Nothing to fix in dynasync: it waits as Dynamics asks. If it lasts, move other integrations off the sync user.',
    };
  const stalled = stallOf(f);
  if (stalled)
    return fail(
      stalled.cause,
      stalled.summary,
      stalled.cause === 'never_synced'
        ? 'Start `dynasync run` (or run one cycle with `dynasync sync --once`).'
        : 'Check that `dynasync run` is running and read its log.',
    );
  if (failure)
    return fail(
      'sync_failing',
      `The last attempt failed [${failure.code}]: ${failure.message}`,
      'Open Sync errors for the details; dynasync retries by itself.',
    );
  const broken = f.tables.filter((t) => t.lastCycleError);
  if (broken.length > 0)
    return fail(
      'sync_failing',
      `${list(broken.map((t) => t.table))} failed in the last cycle [${broken[0]!.lastCycleError!.code}]: ${broken[0]!.lastCycleError!.message}`,
      'Open Sync errors for the details; the other tables go on and dynasync retries each cycle.',
      broken.map((t) => t.table),
    );
  const initial = f.tables.filter((t) => t.phase === 'initial').map((t) => t.table);
  if (initial.length > 0)
    return {
      ...base,
      state: 'behind',
      cause: 'initial_sync',
      tables: initial,
      summary: `The first full read of ${list(initial)} is not finished yet.`,
      action: 'Nothing to do: let the runner go on; the counts grow with each page.',
    };
  if (backlog > 0 && (eta === null || eta * 1000 > f.intervalMs) && f.recordsLastHour > 0)
    return {
      ...base,
      state: 'behind',
      cause: 'backlog',
      summary: `${count(backlog, 'change')} waiting; at the last hour’s rate (${count(f.recordsLastHour, 'record')} an hour) that takes ${duration(eta!)}.`,
      action: 'Nothing to do if it shrinks; if it grows, check Dynamics throttling and the cycle interval.',
    };
  const failedRecords = f.openRecordErrors > 0 ? ` ${count(f.openRecordErrors, 'record')} failed to sync.` : '';
  return {
    ...base,
    state: 'healthy',
    cause: null,
    summary:
      (backlog > 0
        ? `Syncing: ${count(backlog, 'change')} waiting for the next cycle.`
        : 'In sync: nothing is waiting.') + failedRecords,
    action: failedRecords ? 'Open Sync errors: each failed record says what to do.' : 'Nothing to do.',
  };
}

interface Failure {
  readonly code: string;
  readonly reason?: string;
  readonly message: string;
}

/** The runner's failure while it retries; else a failure every table's last cycle shares. */
function currentFailure(f: HealthFacts): Failure | null {
  if (f.runner?.state === 'retrying' && f.runner.lastError) return f.runner.lastError;
  const signIn = f.tables.find((t) => t.pendingError && CREDENTIALS.has(t.pendingError.code))?.pendingError;
  if (signIn) return signIn;
  const errors = f.tables.map((t) => t.lastCycleError);
  const first = errors[0];
  if (first && errors.length > 0 && errors.every((e) => e?.code === first.code)) return first;
  // One table throttled is still throttling of the sync user.
  return errors.find((e) => e?.code === 'throttled') ?? null;
}

function stallOf(f: HealthFacts): { cause: HealthCause; summary: string } | null {
  if (!f.anyCycle) return { cause: 'never_synced', summary: 'No sync cycle has run yet.' };
  const limit = STALL_INTERVALS * f.intervalMs;
  const last = f.lastSuccessAt ? new Date(f.lastSuccessAt).getTime() : null;
  if (last !== null && f.now.getTime() - last <= limit) return null;
  const since = last === null ? 'ever' : `for ${duration((f.now.getTime() - last) / 1000)}`;
  return {
    cause: 'stalled',
    summary: `No cycle has succeeded ${since} (more than ${STALL_INTERVALS} intervals).`,
  };
}

function credentialsAction(reason: string | undefined): string {
  switch (reason) {
    case 'wrong_password':
      return 'Enter the sync user’s current password on the Connection page.';
    case 'wrong_client_secret':
      return 'Enter a new client secret on the Connection page (the old one is wrong or expired).';
    case 'mfa_required':
      return 'Use a sync user without multi-factor authentication, or an application user with a client secret.';
    case 'user_disabled':
      return 'Enable the sync user in Entra ID, or connect another user on the Connection page.';
    case 'credentials_not_bound':
      return 'Enter the credentials again on the Connection page (they were saved for another organization).';
    default:
      return 'Check the credentials on the Connection page and run Validate.';
  }
}

function backlogOf(f: HealthFacts): number {
  return f.tables.reduce((sum, t) => sum + (t.pendingChanges ?? 0), 0) + f.outboxPending;
}

function etaOf(backlog: number, perHour: number): number | null {
  if (backlog === 0 || perHour <= 0) return null;
  return Math.ceil((backlog / perHour) * 3600);
}

const numberFormat = new Intl.NumberFormat('en-US');
export const count = (n: number, noun: string): string => `${numberFormat.format(n)} ${noun}${n === 1 ? '' : 's'}`;

export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}

const list = (names: readonly string[]): string =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
