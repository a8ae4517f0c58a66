/**
 * Issue 12 §3: the Dataverse budget used in the current window, as the runner's reporter saves it,
 * shown by GET /api/status (the Sync status page), `dynasync status` and /metrics; a sample older
 * than its window is marked so and leaves /metrics without the gauges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBudget } from '../../src/cli/commands/status.js';
import { loadBudget, saveBudget, startBudgetReporter } from '../../src/sync/budget-report.js';
import { openSession } from '../../src/sync/session.js';
import { buildStatus } from '../../src/sync/status.js';
import { silentLogger } from '../../src/config/index.js';
import { signedInClient, type AdminClient } from './client.js';
import { openSyncedFixture, type SyncedFixture } from './fixture.js';

let f: SyncedFixture;
let c: AdminClient;

beforeAll(async () => {
  f = await openSyncedFixture({ sync: false });
  c = await signedInClient(f.deps());
});
afterAll(async () => {
  await c?.app.close();
  await f?.close();
});

const gauge = (text: string, name: string, measure: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{measure="${measure}"}`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
};

describe('Dataverse budget in status', () => {
  it('shows what the runner spent this window: API, CLI text and /metrics', async () => {
    const session = await openSession(f.db, f.secretBox, silentLogger(), 5000);
    await session.userId(); // WhoAmI: one request spent
    const reporter = startBudgetReporter(f.db, () => session.source, 60_000);
    await reporter.stop(); // saves once at stop

    const s = (await c.send({ url: '/api/status' })).json();
    expect(s.dataverseBudget).toMatchObject({ share: 1, windowMs: 300_000, current: true });
    expect(s.dataverseBudget.requests.used).toBeGreaterThanOrEqual(1);
    expect(s.dataverseBudget.requests.limit).toBe(5700);
    expect(s.dataverseBudget.executionMs.limit).toBe(1_140_000);
    expect(s.dataverseBudget.server.requestsRemaining).toBeGreaterThan(0);

    const status = await buildStatus(f.db, null);
    expect(describeBudget(status.dataverseBudget!)).toMatch(
      /^this window \(300 s, share 100 %\): \d+ of 5,700 requests, [\d.]+ of 1,140 s execution time, 0 in flight$/,
    );

    const metrics = (await c.app.inject({ url: '/metrics' })).body;
    expect(gauge(metrics, 'dynasync_dataverse_budget_used', 'requests')).toBe(s.dataverseBudget.requests.used);
    expect(gauge(metrics, 'dynasync_dataverse_budget_limit', 'execution_seconds')).toBe(1140);
    expect(gauge(metrics, 'dynasync_dataverse_budget_limit', 'concurrent')).toBe(49);
  });

  it('marks a sample older than its window as not current, and /metrics drops it', async () => {
    const session = await openSession(f.db, f.secretBox, silentLogger(), 5000);
    await saveBudget(f.db, session.source.budget(), new Date(Date.now() - 301_000));
    const b = await loadBudget(f.db);
    expect(b?.current).toBe(false);
    expect(describeBudget(b!)).toMatch(/^last sampled \d{4}-/);
    const metrics = (await c.app.inject({ url: '/metrics' })).body;
    expect(gauge(metrics, 'dynasync_dataverse_budget_used', 'requests')).toBeUndefined();
  });
});
