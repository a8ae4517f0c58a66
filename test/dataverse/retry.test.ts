import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_RETRY,
  backoffDelay,
  throttlePauseMs,
  withRetries,
  type RetryEvent,
} from '../../src/dataverse/retry.js';
import { MalformedResponseError, WebApiError } from '../../src/dataverse/errors.js';
import { TransportError } from '../../src/dataverse/http.js';

const opts = { ...DEFAULT_RETRY, maxRetries: 3, maxThrottledRetries: 4, initialDelayMs: 100, maxDelayMs: 1_000 };
const throttled = (retryAfterMs?: number) => new WebApiError(429, '0x80072322', 'limit', retryAfterMs);

/** A function failing with the given errors in turn, then succeeding. */
function failing(...errors: Error[]) {
  const calls: number[] = [];
  const fn = async (attempt: number) => {
    calls.push(attempt);
    const e = errors[calls.length - 1];
    if (e) throw e;
    return 'done';
  };
  return { fn, calls };
}

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt up to maxDelayMs, with full jitter', () => {
    const top = () => 1;
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, opts, top))).toEqual([100, 200, 400, 800, 1_000]);
    expect(backoffDelay(3, opts, () => 0)).toBe(0);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(200);
  });
});

describe('throttlePauseMs', () => {
  it('honours Retry-After, capped, else waits 2^attempt seconds', () => {
    expect(throttlePauseMs(throttled(38_000), 1, opts)).toBe(38_000);
    expect(throttlePauseMs(throttled(3_600_000), 1, opts)).toBe(opts.maxRetryAfterMs);
    expect(throttlePauseMs(throttled(), 1, opts)).toBe(2_000);
    expect(throttlePauseMs(throttled(), 3, opts)).toBe(8_000);
  });
});

describe('withRetries', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('retries transient failures with backoff, then succeeds', async () => {
    const { fn, calls } = failing(
      new TransportError('network', 'ECONNRESET'),
      new MalformedResponseError('cut'),
      new WebApiError(503, '', 'x', undefined),
    );
    const events: RetryEvent[] = [];
    const run = withRetries(
      fn,
      opts,
      (e) => events.push(e),
      undefined,
      () => 1,
    );
    await vi.advanceTimersByTimeAsync(100 + 200 + 400);
    await expect(run).resolves.toBe('done');
    expect(calls).toEqual([0, 1, 2, 3]);
    expect(events.map((e) => [e.kind, e.delayMs])).toEqual([
      ['transient', 100],
      ['transient', 200],
      ['transient', 400],
    ]);
  });

  it('waits at least a 503 Retry-After', async () => {
    const { fn } = failing(new WebApiError(503, '', 'x', 5_000));
    const events: RetryEvent[] = [];
    const run = withRetries(
      fn,
      opts,
      (e) => events.push(e),
      undefined,
      () => 1,
    );
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(run).resolves.toBe('done');
    expect(events[0]?.delayMs).toBe(5_000);
  });

  it('gives up after maxRetries transient failures and rethrows the last one', async () => {
    const last = new WebApiError(500, '', 'last', undefined);
    const { fn, calls } = failing(
      new WebApiError(500, '', 'a', undefined),
      new WebApiError(500, '', 'b', undefined),
      new WebApiError(500, '', 'c', undefined),
      last,
    );
    const run = withRetries(fn, opts, undefined, undefined, () => 0);
    const outcome = expect(run).rejects.toBe(last);
    await vi.runAllTimersAsync();
    await outcome;
    expect(calls).toHaveLength(4);
  });

  it('retries a 429 at once (the shared throttle does the waiting) on its own budget', async () => {
    const errors = [throttled(1), throttled(1), new WebApiError(502, '', 'x', undefined), throttled(1), throttled(1)];
    const { fn, calls } = failing(...errors);
    const events: RetryEvent[] = [];
    const run = withRetries(
      fn,
      opts,
      (e) => events.push(e),
      undefined,
      () => 0,
    );
    await vi.runAllTimersAsync();
    await expect(run).resolves.toBe('done');
    expect(calls).toHaveLength(6);
    expect(events.filter((e) => e.kind === 'throttled').map((e) => e.delayMs)).toEqual([0, 0, 0, 0]);
  });

  it('stops after maxThrottledRetries 429s', async () => {
    const { fn, calls } = failing(...Array.from({ length: 10 }, () => throttled(1)));
    const run = withRetries(fn, opts);
    const outcome = expect(run).rejects.toBeInstanceOf(WebApiError);
    await vi.runAllTimersAsync();
    await outcome;
    expect(calls).toHaveLength(1 + opts.maxThrottledRetries);
  });

  it('never retries 400, 401, 403 or 404', async () => {
    for (const status of [400, 401, 403, 404]) {
      const { fn, calls } = failing(new WebApiError(status, '', 'no', undefined));
      await expect(withRetries(fn, opts)).rejects.toMatchObject({ status });
      expect(calls).toHaveLength(1);
    }
  });
});
