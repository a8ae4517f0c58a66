/**
 * One cycle, then the queued quick syncs, exactly as `dynasync sync --once` runs them (runner lock,
 * stored session, runCycle, runQuickSyncs), timed in process, with the Dataverse requests made.
 */
import { acquireRunnerLock } from '../../src/store/runner-lock.js';
import { failInterruptedRuns } from '../../src/store/runs.js';
import { runCycle } from '../../src/sync/cycle.js';
import { runQuickSyncs } from '../../src/sync/quick-sync.js';
import { emit, ms, run } from './common.js';
import { openEngine } from './engine.js';

run(async () => {
  const { config, logger, session, db } = await openEngine();
  const lock = await acquireRunnerLock(config.databaseUrl);
  try {
    await failInterruptedRuns(db);
    const userId = await session.userId();
    const t0 = performance.now();
    const cycle = await runCycle({ db, source: session.source, logger, userId }, 'once');
    const cycleMs = ms(t0);
    const t1 = performance.now();
    const quick = await runQuickSyncs({ db, source: session.source, logger });
    const quickMs = ms(t1);
    emit({
      cycleMs,
      quickMs,
      totalMs: ms(t0),
      status: cycle.status,
      tables: cycle.tables.map((t) => ({ entity: t.entity, fullRead: t.fullRead, pages: t.pages, updated: t.updated })),
      quickSyncs: quick.map((q) => ({
        status: q.status,
        pages: q.pages,
        fields: q.quickSync.fields,
        rowsDone: q.quickSync.rowsDone,
        rowsFilled: q.quickSync.rowsFilled,
      })),
      client: (session.source as { requestStats(): unknown }).requestStats(),
    });
  } finally {
    await lock.release();
    await db.close();
  }
});
