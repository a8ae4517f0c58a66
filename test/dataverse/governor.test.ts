/**
 * The governor's budget (issue 12 section 3): dynasync's own accounting of requests and execution
 * time per sliding window, its share of the limits, and the remaining-budget headers, which count
 * what other integrations of the same user spent. Pure: explicit times, no timers.
 */
import { describe, expect, it } from 'vitest';
import { Budget } from '../../src/dataverse/governor.js';

const headers = (requests: number, ms: number) =>
  new Headers({
    'x-ms-ratelimit-burst-remaining-xrm-requests': String(requests),
    'x-ms-ratelimit-time-remaining-xrm-requests': String(ms),
  });

describe('Budget', () => {
  it("takes dynasync's share of Dataverse's limits, less the headroom", () => {
    const b = new Budget({ share: 0.5 });
    expect(b.caps).toEqual({ requests: 2850, executionMs: 570_000, concurrent: 24, windowMs: 300_000 });
    expect(new Budget().caps).toEqual({ requests: 5700, executionMs: 1_140_000, concurrent: 49, windowMs: 300_000 });
  });

  it('holds requests once the execution time spent in the window reaches its share, until it slides out', () => {
    const b = new Budget({ limits: { executionMs: 1000, windowMs: 10_000 }, headroom: 1 });
    b.started(0);
    b.finished(600, 0);
    expect(b.blockedFor(600)).toBe(0);
    b.started(600);
    b.finished(1200, 600);
    // 1,200 ms spent of 1,000: free again when the first request's time leaves the window.
    expect(b.blockedFor(1200)).toBe(600 + 10_000 - 1200);
    expect(b.blockedFor(10_600)).toBe(0);
    // Both admissions (at 0 and 600) have left the window too; the second request's time has not.
    expect(b.snapshot(10_600)).toMatchObject({ executionMs: { used: 600, limit: 1000 }, requests: { used: 0 } });
  });

  it('counts requests in flight at the mean time of recent ones', () => {
    const b = new Budget({ limits: { executionMs: 1000, windowMs: 10_000 }, headroom: 1 });
    b.started(0);
    b.finished(300, 0);
    b.started(300);
    b.started(300);
    // 300 spent + 2 × 300 in flight = 900: one more fits; with a third in flight it does not.
    expect(b.blockedFor(300)).toBe(0);
    b.started(300);
    expect(b.blockedFor(300)).toBeGreaterThan(0);
  });

  it("stops when Dataverse says the user's budget is nearly spent by others, then probes one at a time", () => {
    const b = new Budget({ limits: { executionMs: 100_000, requests: 1000, windowMs: 100_000 } });
    b.started(0);
    // Other integrations left 1,000 ms of 100,000: below the 5 % headroom.
    b.finished(50, 0, headers(900, 1000));
    expect(b.snapshot(50).server).toEqual({ requestsRemaining: 900, executionMsRemaining: 1000 });
    const wait = b.blockedFor(50);
    expect(wait).toBeGreaterThan(0);
    // Once that figure is older than the probe age (5 s here), one request may go to refresh it...
    expect(b.blockedFor(5_001)).toBe(0);
    b.started(5_001);
    expect(b.blockedFor(5_001)).toBeGreaterThan(0);
    // ...and a fresh answer with room lifts the stop.
    b.finished(5_100, 5_001, headers(800, 60_000));
    expect(b.blockedFor(5_100)).toBe(0);
  });

  it('keeps the answer of the latest admission when answers arrive out of order', () => {
    const b = new Budget({ limits: { requests: 1000, windowMs: 100_000 } });
    b.started(0);
    b.started(10);
    b.finished(50, 10, headers(10, 90_000)); // the later request, nearly no requests left
    b.finished(60, 0, headers(999, 90_000)); // an older figure: ignored
    expect(b.snapshot(60).server?.requestsRemaining).toBe(10);
    // Low on requests: one at a time (a 429 would then pause for its Retry-After).
    expect(b.blockedFor(60)).toBe(0);
    b.started(60);
    expect(b.blockedFor(60)).toBeGreaterThan(0);
  });

  it('reads the time header with thousands separators', () => {
    const b = new Budget();
    b.started(0);
    b.finished(10, 0, new Headers({ 'x-ms-ratelimit-time-remaining-xrm-requests': '1,199,950.25' }));
    expect(b.snapshot(10).server).toEqual({ requestsRemaining: null, executionMsRemaining: 1_199_950.25 });
  });
});
