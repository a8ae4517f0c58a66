import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Throttle, sharedThrottle } from '../../src/dataverse/throttle.js';

/** A request that stays in flight until the test finishes it. */
function held() {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return { fn: () => done, finish };
}

/** Lets queued admissions run without moving the clock. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('Throttle', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('admits at most maxConcurrent requests at once, in arrival order', async () => {
    const t = new Throttle({ maxConcurrent: 2 });
    const order: number[] = [];
    const jobs = [0, 1, 2, 3].map((i) => ({ i, ...held() }));
    const runs = jobs.map((j) => t.run(() => (order.push(j.i), j.fn())));
    await settle();
    expect(order).toEqual([0, 1]);
    expect(t.stats().inFlight).toBe(2);

    jobs[1]!.finish();
    await settle();
    expect(order).toEqual([0, 1, 2]);
    jobs[0]!.finish();
    jobs[2]!.finish();
    await settle();
    expect(order).toEqual([0, 1, 2, 3]);
    jobs[3]!.finish();
    await Promise.all(runs);
    expect(t.stats()).toMatchObject({ inFlight: 0, throttledMs: 0 });
  });

  it('releases the slot when the request fails', async () => {
    const t = new Throttle({ maxConcurrent: 1 });
    await expect(t.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(t.run(() => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  it('keeps to the request budget of the sliding window', async () => {
    const t = new Throttle({ maxConcurrent: 10, maxRequestsPerWindow: 3, windowMs: 10_000 });
    const admitted: number[] = [];
    const at = (i: number) => t.run(async () => void admitted.push(i));

    await Promise.all([at(0), at(1)]);
    await vi.advanceTimersByTimeAsync(4_000);
    const later = [at(2), at(3), at(4)];
    await settle();
    expect(admitted).toEqual([0, 1, 2]); // the budget of 3 is spent

    await vi.advanceTimersByTimeAsync(5_999);
    expect(admitted).toHaveLength(3); // 0 and 1 leave the window at t=10,000
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all(later);
    expect(admitted).toEqual([0, 1, 2, 3, 4]);
    expect(t.stats().throttledMs).toBe(6_000);
    expect(t.stats().admittedInWindow).toBe(3);
  });

  it('pauses every request after a 429 until Retry-After has passed', async () => {
    const t = new Throttle({ maxConcurrent: 8 });
    t.pause(5_000);
    const admitted: number[] = [];
    const runs = [1, 2, 3].map((i) => t.run(async () => void admitted.push(i)));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(admitted).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all(runs);
    expect(admitted).toEqual([1, 2, 3]);
    expect(t.stats()).toMatchObject({ throttledMs: 5_000, pauses: 1 });
  });

  it('lengthens a pause but never shortens it', async () => {
    const t = new Throttle();
    t.pause(10_000);
    t.pause(2_000); // ignored: a shorter Retry-After from a parallel request
    await vi.advanceTimersByTimeAsync(3_000);
    t.pause(9_000); // now ends at 12,000: later than 10,000
    const run = t.run(async () => Date.now());
    await vi.advanceTimersByTimeAsync(9_000);
    await expect(run).resolves.toBe(12_000);
    expect(t.stats().pauses).toBe(2);
  });

  it('lets a waiting request be aborted without taking a slot', async () => {
    const t = new Throttle({ maxConcurrent: 1 });
    const first = held();
    const running = t.run(first.fn);
    const ac = new AbortController();
    const waiting = t.run(async () => 'never', ac.signal);
    const waitingResult = expect(waiting).rejects.toThrow('stop');
    await settle();
    ac.abort(new Error('stop'));
    await waitingResult;

    first.finish();
    await running;
    expect(t.stats().inFlight).toBe(0);
    await expect(t.run(async () => 'next')).resolves.toBe('next');
  });

  it('aborts a request waiting out a pause', async () => {
    const t = new Throttle();
    t.pause(60_000);
    const ac = new AbortController();
    const waiting = t.run(async () => 'never', ac.signal);
    const result = expect(waiting).rejects.toThrow('shutdown');
    await vi.advanceTimersByTimeAsync(1_000);
    ac.abort(new Error('shutdown'));
    await result;
    expect(t.stats().throttledMs).toBe(1_000);
  });
});

describe('sharedThrottle', () => {
  it('gives one throttle per user key, case-insensitively', () => {
    const a = sharedThrottle('https://org.crm.dynamics.com|user:Sync@Contoso.test', { maxConcurrent: 2 });
    const b = sharedThrottle('https://org.crm.dynamics.com|user:sync@contoso.test', { maxConcurrent: 50 });
    const other = sharedThrottle('https://org.crm.dynamics.com|user:rep@contoso.test');
    expect(b).toBe(a);
    expect(other).not.toBe(a);
  });
});
