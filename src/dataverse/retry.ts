/**
 * Retries with cockatiel. Two budgets per call, because the two failures differ in nature:
 * a 429 is Dataverse telling us when to come back (the wait itself happens in the shared throttle,
 * which pauses every request of the user), while a 5xx, reset, timeout or malformed body is a
 * fault we back off from exponentially with full jitter so that parallel callers spread out.
 */
import { DelegateBackoff, handleWhen, retry, type IRetryBackoffContext } from 'cockatiel';
import { failureKind, WebApiError } from './errors.js';

export interface RetryOptions {
  /** Retries after a transient failure (5xx, reset, timeout, malformed body). Default 5. */
  maxRetries?: number;
  /** Retries after a 429, each after its Retry-After. Default 20. */
  maxThrottledRetries?: number;
  /** First backoff ceiling; doubles per retry. Default 500 ms. */
  initialDelayMs?: number;
  /**
   * Largest backoff. Default 20 s. Kept short on purpose: cockatiel's backoff sleep cannot be
   * aborted, so this bounds how long a cancelled sync can wait for it.
   */
  maxDelayMs?: number;
  /** Largest Retry-After honoured (a broken proxy may say a day). Default 300 s, Dataverse's window. */
  maxRetryAfterMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = Object.freeze({
  maxRetries: 5,
  maxThrottledRetries: 20,
  initialDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 300_000,
});

export interface RetryEvent {
  kind: 'throttled' | 'transient';
  attempt: number;
  delayMs: number;
  error: unknown;
}

/** Full jitter: uniform in [0, min(max, initial·2^(attempt-1))]. `attempt` counts from 1. */
export function backoffDelay(
  attempt: number,
  opts: Required<RetryOptions>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}

/** How long to pause the user after a 429: its Retry-After (capped), else 2^attempt seconds. */
export function throttlePauseMs(error: WebApiError, attempt: number, opts: Required<RetryOptions>): number {
  const fallback = Math.min(opts.maxRetryAfterMs, 1000 * 2 ** Math.max(0, attempt));
  return Math.min(opts.maxRetryAfterMs, error.retryAfterMs ?? fallback);
}

/**
 * Runs `fn` until it succeeds, fails with a non-retriable error, or a budget is spent; then the
 * last error is rethrown unchanged (the caller maps it to a domain error).
 */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  options: Required<RetryOptions>,
  onRetry: (event: RetryEvent) => void = () => undefined,
  signal?: AbortSignal,
  random: () => number = Math.random,
): Promise<T> {
  let throttled = 0;
  let transient = 0;
  const retriable = (e: Error): boolean => {
    const kind = failureKind(e);
    if (kind === 'throttled' && throttled < options.maxThrottledRetries) {
      throttled++;
      return true;
    }
    if (kind === 'transient' && transient < options.maxRetries) {
      transient++;
      return true;
    }
    return false;
  };
  const backoff = new DelegateBackoff<IRetryBackoffContext<unknown>>((ctx) => {
    const error = 'error' in ctx.result ? ctx.result.error : undefined;
    if (failureKind(error) === 'throttled') return 0; // the shared throttle is already paused
    const retryAfter = error instanceof WebApiError ? error.retryAfterMs : undefined;
    return Math.max(backoffDelay(transient, options, random), Math.min(retryAfter ?? 0, options.maxRetryAfterMs));
  });
  const policy = retry(handleWhen(retriable), { maxAttempts: Number.POSITIVE_INFINITY, backoff });
  policy.onRetry((event) => {
    const error = 'error' in event ? event.error : undefined;
    const kind = failureKind(error) === 'throttled' ? 'throttled' : 'transient';
    onRetry({ kind, attempt: event.attempt, delayMs: event.delay, error });
  });
  return policy.execute(({ attempt }) => fn(attempt), signal);
}
