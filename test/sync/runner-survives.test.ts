/**
 * Issue 9, §1 "the forever runner can die": one thrown error anywhere in an attempt (the schedule
 * save between cycles, the preparation before one, the cycle's own bookkeeping) is logged, kept in
 * the runner's health and status, waited out, and the runner goes on by itself.
 */
import { expect, it } from 'vitest';
import { silentLogger } from '../../src/config/logger.js';
import type { Db } from '../../src/store/db/types.js';
import { listRuns } from '../../src/store/runs.js';
import type { CycleResult } from '../../src/sync/cycle.js';
import { nextWaitMs, HEALTHY, failed, describeFailure } from '../../src/sync/runner-health.js';
import { SyncRunner, type RunnerOptions } from '../../src/sync/runner.js';
import { buildStatus } from '../../src/sync/status.js';
import { describeWorlds, type World } from './world.js';

const until = async (check: () => boolean, what: string, ms = 30_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** The database, with the next `times` statements matching `pattern` failing with `err`. */
function failingDb(db: Db, pattern: RegExp, err: () => Error, times = 1): Db & { failures: number } {
  const wrapped = {
    ...db,
    failures: 0,
    query: (async (text: string, params?: readonly unknown[]) => {
      if (pattern.test(text) && wrapped.failures < times) {
        wrapped.failures++;
        throw err();
      }
      return db.query(text, params);
    }) as Db['query'],
  };
  return wrapped;
}

function start(w: World, db: Db, options: Partial<RunnerOptions> = {}) {
  const cycles: CycleResult[] = [];
  const runner = new SyncRunner(
    { db, source: w.session.source, logger: silentLogger(), userId: w.userId },
    { intervalMs: 100, maxBackoffMs: 200, onCycle: (r) => cycles.push(r), ...options },
    silentLogger(),
  );
  return { runner, cycles, done: runner.start() };
}

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describeWorlds('the runner outlives failures', ({ open }) => {
  it('goes on after the schedule save between cycles throws', async () => {
    const w = await open();
    const db = failingDb(w.db, /INSERT INTO settings/, () =>
      pgError('57P01', 'terminating connection due to administrator command'),
    );
    const { runner, cycles, done } = start(w, db);
    await until(() => cycles.length >= 3, 'three cycles');
    expect(db.failures).toBe(1);
    expect(cycles.every((c) => c.status === 'success')).toBe(true);
    await runner.stop();
    await done;
  });

  it('records a preparation that throws as a failed cycle, backs off, and recovers by itself', async () => {
    const w = await open();
    let calls = 0;
    const { runner, cycles, done } = start(w, w.db, {
      prepare: async () => {
        if (++calls === 1) throw new Error('boom');
      },
    });
    await until(() => runner.health.consecutiveFailures === 1 || cycles.length > 0, 'the first attempt');
    expect(runner.health).toMatchObject({
      state: 'retrying',
      consecutiveFailures: 1,
      lastError: { code: 'unexpected_error', message: 'boom' },
    });
    await until(() => cycles.length >= 1 && runner.health.state === 'ok', 'a cycle after the failure');
    expect(cycles[0]!.status).toBe('success');
    // The failure stays visible after the recovery; the failed attempt is a failed run of every table.
    expect(runner.health).toMatchObject({ consecutiveFailures: 0, lastError: { code: 'unexpected_error' } });
    const runs = await listRuns(w.db);
    expect(runs.at(-1)).toMatchObject({ status: 'failed', error: 'unexpected_error: boom' });
    await runner.stop();
    await done;
    const status = await buildStatus(w.db, null);
    expect(status.runner).toMatchObject({ state: 'ok', lastError: { code: 'unexpected_error' } });
  });

  it("goes on when the database fails the cycle's own bookkeeping, and ends the run left running", async () => {
    const w = await open();
    // The run's finish fails: the run stays 'running' until the runner ends it at the next attempt.
    const db = failingDb(w.db, /UPDATE sync_runs SET status/, () =>
      pgError('08006', 'Connection terminated unexpectedly'),
    );
    const { runner, cycles, done } = start(w, db);
    await until(() => cycles.length >= 1, 'a cycle after the failure');
    expect(db.failures).toBe(1);
    const runs = await listRuns(w.db);
    expect(runs.at(-1)).toMatchObject({ status: 'failed', error: expect.stringContaining('database_unavailable') });
    await until(() => runner.health.state === 'ok', 'healthy again');
    expect(runner.health.lastError).toMatchObject({ code: 'database_unavailable' });
    await runner.stop();
    await done;
  });
});

it('waits with capped exponential backoff after failures in a row', () => {
  const db = describeFailure(Object.assign(new Error('down'), { code: 'ECONNREFUSED' }));
  expect(db.code).toBe('database_unavailable');
  let h = HEALTHY;
  expect(nextWaitMs(h, 300_000)).toBe(300_000);
  const waits: number[] = [];
  for (let i = 0; i < 12; i++) {
    h = failed(h, db);
    waits.push(nextWaitMs(h, 300_000, 900_000));
  }
  expect(waits.slice(0, 4)).toEqual([5_000, 10_000, 20_000, 40_000]);
  expect(Math.max(...waits)).toBe(900_000);
});
