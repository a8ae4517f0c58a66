/**
 * Issue 13 §2 (status): the fleet view and the fleet's /metrics read what the workers published
 * per organization: behind schedule, failing, throttled, with one `org` label per organization.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetMetrics } from '../../src/api/fleet/fleet-metrics.js';
import { fleetOverview } from '../../src/api/fleet/fleet-status.js';
import { silentLogger } from '../../src/config/index.js';
import {
  ensureRegistry,
  insertOrg,
  openFleetDb,
  recordJobEnd,
  recordJobStart,
  type FleetDb,
} from '../../src/store/fleet/index.js';
import { DATABASE_URL } from '../helpers/db.js';
import { createScratchDatabase, type ScratchDatabase } from '../reliability/helpers/scratch-pg.js';

describe.runIf(DATABASE_URL)('the fleet view and /metrics (PostgreSQL)', () => {
  let scratch: ScratchDatabase;
  let fleet: FleetDb;
  beforeAll(async () => {
    scratch = await createScratchDatabase(DATABASE_URL!);
    fleet = openFleetDb(scratch.url, silentLogger());
    await ensureRegistry(fleet, 300);
  });
  afterAll(async () => {
    await fleet?.close();
    await scratch?.drop();
  });

  it('flags the organizations behind schedule, failing or throttled, and labels each series', async () => {
    for (const name of ['fine', 'failing', 'throttled', 'late']) await insertOrg(fleet, name, 60);
    const now = Date.now();
    const run = async (org: string, status: string, throttledMs: number, nextDueAt: Date, at = now) => {
      await recordJobStart(fleet, { org, worker: 'w1', dueAt: new Date(at - 1500), startedAt: new Date(at) });
      await recordJobEnd(fleet, {
        org,
        status,
        error: status === 'failed' ? 'sign_in_failed: refused' : null,
        throttledMs,
        nextDueAt,
      });
    };
    const inAMinute = new Date(now + 60_000);
    await run('fine', 'success', 0, inAMinute);
    await run('failing', 'failed', 0, inAMinute);
    await run('failing', 'failed', 0, inAMinute);
    await run('throttled', 'success', 4200, inAMinute);
    await run('late', 'success', 0, new Date(now - 5 * 60_000), now - 10 * 60_000); // due 5 min ago, not started

    const view = await fleetOverview(fleet);
    expect(view.organizations).toBe(4);
    expect(view.behind).toEqual(['late']);
    expect(view.failing).toEqual(['failing']);
    expect(view.throttled).toEqual(['throttled']);
    expect(view.states.find((s) => s.name === 'failing')!.consecutiveFailures).toBe(2);
    expect(view.states.find((s) => s.name === 'fine')!.latenessMs).toBe(1500);

    const text = await fleetMetrics(fleet);
    expect(text).toContain('dynasync_fleet_organizations 4');
    expect(text).toContain('dynasync_fleet_organizations_behind 1');
    expect(text).toContain('dynasync_org_consecutive_failures{org="failing"} 2');
    expect(text).toContain('dynasync_org_throttled_seconds{org="throttled"} 4.2');
    expect(text).toContain('dynasync_org_behind_schedule{org="late"} 1');
    expect(text).toContain('dynasync_org_cycle_lateness_seconds{org="fine"} 1.5');
    // Bounded: at most the cap's organizations get series, those needing a look first.
    const capped = await fleetMetrics(fleet, 2);
    const labelled = new Set([...capped.matchAll(/org="([^"]+)"/g)].map((m) => m[1]));
    expect(labelled.size).toBe(2);
    expect(labelled.has('fine')).toBe(false);
  });
});
