/**
 * How the forever runner is doing, for status, /metrics and the UI: whether its last attempt
 * failed, why (typed: sign_in_failed, database_unavailable, a Dynamics code...), how many attempts
 * in a row failed, and when it tries again. Failures wait with capped exponential backoff.
 */
import { isSyncError } from '../domain/index.js';
import { describeDatabaseFailure } from '../store/errors.js';
import { asSignInFailure } from './sign-in.js';

export interface RunnerFailure {
  readonly code: string;
  /** The sign-in refusal's own code (wrong_password, mfa_required, ...) for sign_in_failed. */
  readonly reason?: string;
  readonly message: string;
  readonly at: string;
}

export interface RunnerHealth {
  readonly state: 'ok' | 'retrying';
  readonly consecutiveFailures: number;
  /** The latest failure; kept after a recovery, so one that healed by itself is still seen. */
  readonly lastError: RunnerFailure | null;
  readonly lastSuccessAt: string | null;
}

export const HEALTHY: RunnerHealth = Object.freeze({
  state: 'ok',
  consecutiveFailures: 0,
  lastError: null,
  lastSuccessAt: null,
});

export function describeFailure(err: unknown, at = new Date()): RunnerFailure {
  const stamp = at.toISOString();
  const signIn = asSignInFailure(err);
  if (signIn) return { code: signIn.code, reason: signIn.reason, message: signIn.message, at: stamp };
  const message = err instanceof Error ? err.message : String(err);
  const database = describeDatabaseFailure(err);
  if (database) return { ...database, at: stamp };
  return { code: isSyncError(err) ? err.code : 'unexpected_error', message, at: stamp };
}

export const failed = (h: RunnerHealth, failure: RunnerFailure): RunnerHealth => ({
  ...h,
  state: 'retrying',
  consecutiveFailures: h.consecutiveFailures + 1,
  lastError: failure,
});

export const succeeded = (h: RunnerHealth, at = new Date()): RunnerHealth => ({
  ...h,
  state: 'ok',
  consecutiveFailures: 0,
  lastSuccessAt: at.toISOString(),
});

/** Wait after a failure of one cycle, or the interval. */
export const DB_RETRY_BASE_MS = 5_000;
export const DEFAULT_MAX_BACKOFF_MS = 15 * 60_000;

/**
 * The wait before the next attempt: the interval when healthy; after n failures in a row,
 * base * 2^(n-1), capped at max(interval, maxBackoff). A refused sign-in starts from the interval
 * (each attempt counts toward Entra's account lockout); other failures from a few seconds, so a
 * database or network blip heals quickly without waiting a whole interval.
 */
export function nextWaitMs(h: RunnerHealth, intervalMs: number, maxBackoffMs = DEFAULT_MAX_BACKOFF_MS): number {
  if (h.state === 'ok') return intervalMs;
  const base = h.lastError?.code === 'sign_in_failed' ? intervalMs : Math.min(intervalMs, DB_RETRY_BASE_MS);
  const cap = Math.max(intervalMs, maxBackoffMs);
  return Math.min(base * 2 ** Math.min(h.consecutiveFailures - 1, 30), cap);
}
