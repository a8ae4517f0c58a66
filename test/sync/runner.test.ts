/**
 * Issue 3, section 4 and item 12: the forever loop (a cycle, a wait, "sync now" cutting the wait
 * short, stop finishing the current page), the runner lock, and `dynasync status`.
 */
import { expect, it } from 'vitest';
import { silentLogger } from '../../src/config/logger.js';
import { getCheckpoint } from '../../src/store/checkpoints.js';
import { countRecords } from '../../src/store/records/index.js';
import { acquireRunnerLock } from '../../src/store/runner-lock.js';
import type { CycleResult } from '../../src/sync/cycle.js';
import { SyncRunner } from '../../src/sync/runner.js';
import type { PageEvent } from '../../src/sync/stream.js';
import { ActivityType } from '../../src/domain/index.js';
import { DATABASE_URL } from '../helpers/db.js';
import { runCli } from './cli.js';
import { dynamicsPersonCount, emulatorIds, describeWorlds, type World } from './world.js';

function runnerFor(w: World, intervalMs: number, cycles: CycleResult[], onPage?: (e: PageEvent) => void): SyncRunner {
  return new SyncRunner(
    { db: w.db, source: w.session.source, logger: silentLogger(), userId: w.userId, onPage },
    { intervalMs, onCycle: (r) => cycles.push(r) },
    silentLogger(),
  );
}

const until = async (check: () => boolean, what: string, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describeWorlds('runner and status', ({ backend, open }) => {
  it('cycles, waits the interval, and runs at once on sync now; the schedule shows in status', async () => {
    const w = await open();
    const cycles: CycleResult[] = [];
    const runner = runnerFor(w, 3_600_000, cycles);
    const done = runner.start();
    await until(() => cycles.length === 1 && runner.nextCycleAt !== null, 'the first cycle');
    expect(cycles[0]!.tables.every((t) => t.fullRead)).toBe(true);
    const waitingUntil = runner.nextCycleAt!;
    expect(waitingUntil.getTime() - Date.now()).toBeGreaterThan(3_500_000);
    const status = JSON.parse((await runCli(w, ['status', '--json'])).out) as { nextCycleAt: string | null };
    expect(status.nextCycleAt).toBe(waitingUntil.toISOString());

    await w.rep.update('contacts', emulatorIds(w, 'contact', 1)[0]!, { jobtitle: 'Now' });
    runner.syncNow();
    await until(() => cycles.length === 2, 'the sync-now cycle');
    expect(cycles[1]!.tables.find((t) => t.entity === 'contact')).toMatchObject({ fullRead: false, updated: 1 });
    await runner.stop();
    await done;
    expect(runner.nextCycleAt).toBeNull();
  });

  it('stops after the current page on stop (SIGTERM), and the next run resumes from the saved page', async () => {
    const w = await open({ seed: 10 }, { pageSize: 10 });
    const contacts = w.emu.ctx.data.count('contact');
    const cycles: CycleResult[] = [];
    let contactPages = 0;
    const runner: SyncRunner = runnerFor(w, 3_600_000, cycles, (e) => {
      if (e.entity === 'contact' && e.records > 0 && ++contactPages === 3) void runner.stop();
    });
    await runner.start();
    expect(cycles.map((c) => c.status)).toEqual(['cancelled']);
    expect((await countRecords(w.db)).persons).toBe(30);
    const cp = (await getCheckpoint(w.db, 'contact'))!;
    expect(cp).toMatchObject({ phase: 'initial', link: expect.stringContaining('skiptoken') });

    w.admin.resetRequestCounts();
    const resumed = await w.cycle();
    expect(resumed.tables.find((t) => t.entity === 'contact')).toMatchObject({
      status: 'success',
      inserted: contacts - 30,
    });
    expect(w.admin.requestCount('contacts', 'GET')).toBeLessThanOrEqual(Math.ceil((contacts - 30) / 10) + 1);
    const newLeads = await w.db.query<{ n: number; persons: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT person_id)::int AS persons FROM activities WHERE type_id = $1',
      [ActivityType.NewLead],
    );
    // One New Lead per person: every contact, and every lead not qualified into one of them.
    const persons = await dynamicsPersonCount(w);
    expect(newLeads.rows[0]).toEqual({ n: persons, persons });
  });

  it('prints per-table status with stored records, last cycle counts, pending changes and the last error', async () => {
    const w = await open();
    await w.cycle();
    const [a, b] = emulatorIds(w, 'contact', 2) as [string, string];
    await w.rep.update('contacts', a, { jobtitle: 'Pending One' });
    await w.rep.update('contacts', b, { jobtitle: 'Pending Two' });
    w.admin.corruptRecord('account', emulatorIds(w, 'account', 1)[0]!, 'numberofemployees', 'lots');
    const status = JSON.parse((await runCli(w, ['status', '--json'])).out) as {
      tables: {
        table: string;
        phase: string;
        stored: number;
        pendingChanges: number | null;
        lastCycleCounts: { inserted: number } | null;
      }[];
    };
    const contact = status.tables.find((t) => t.table === 'contact')!;
    expect(contact).toMatchObject({
      phase: 'delta',
      stored: w.emu.ctx.data.count('contact'),
      pendingChanges: 2,
      lastCycleCounts: { inserted: w.emu.ctx.data.count('contact') },
    });
    expect(status.tables.find((t) => t.table === 'account')!.pendingChanges).toBe(1);

    await w.cycle();
    const text = (await runCli(w, ['status'])).out;
    // The health line first: the cycle just ran and nothing is pending, so healthy, with its bad record.
    expect(text.split('\n')[0]).toBe(
      'HEALTHY: In sync: nothing is waiting. 1 record failed to sync. → Open Sync errors: each failed record says what to do.',
    );
    expect(text).toMatch(/account\s+in sync\s+stored \d+ \(0 deleted in Dynamics\)/);
    expect(text).toMatch(/last cycle: success at .*: 1 skipped\n/);
    expect(text).toMatch(/last error: \[\w+\] account\.numberofemployees/);
    expect(text).toMatch(/pending changes: 0/);
    expect(text).toMatch(/next cycle: no runner is waiting/);
  });

  it.runIf(backend === 'postgres' && DATABASE_URL)('lets only one runner hold a database at a time', async () => {
    const w = await open();
    const first = await acquireRunnerLock(DATABASE_URL, w.db.schema);
    await expect(acquireRunnerLock(DATABASE_URL, w.db.schema)).rejects.toThrow(
      /Another dynasync runner is already syncing/,
    );
    await first.release();
    const again = await acquireRunnerLock(DATABASE_URL, w.db.schema);
    await again.release();
  });
});
