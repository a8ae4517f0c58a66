/**
 * Sync cycles exactly as `dynasync sync --once` runs them (runner lock, interrupted runs closed,
 * stored session, runCycle), timed in process. `--cycles N` runs N cycles back to back (a warm
 * idle cycle is what a long-running runner sees). `--after-sql` runs one query at the end, for checks.
 */
import { acquireRunnerLock } from '../../src/store/runner-lock.js';
import { failInterruptedRuns } from '../../src/store/runs.js';
import { relievingHeap } from '../../src/config/index.js';
import { runCycle } from '../../src/sync/cycle.js';
import type { SourceReader } from '../../src/sync/ports.js';
import type { PageEvent } from '../../src/sync/stream.js';
import { emit, ms, options, run } from './common.js';
import { openEngine } from './engine.js';
import { timedDb } from './sql-timing.js';

/**
 * The session's reader, timing how long the cycle sat waiting for the next page (the rest of the
 * cycle is mapping and storing): where the time goes, without a profiler.
 */
function timedSource<S extends SourceReader>(source: S): S & { takeWaitMs(): number } {
  let waited = 0;
  async function* readPages(req: Parameters<SourceReader['readPages']>[0]) {
    const it = source.readPages(req);
    try {
      for (;;) {
        const t = performance.now();
        const next = await it.next();
        waited += performance.now() - t;
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await it.return(undefined);
    }
  }
  const takeWaitMs = (): number => {
    const w = waited;
    waited = 0;
    return w;
  };
  // Every other method (present or added later) goes to the real client, bound to it.
  return new Proxy(source, {
    get(target, prop) {
      if (prop === 'readPages') return readPages;
      if (prop === 'takeWaitMs') return takeWaitMs;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
    has: (target, prop) => prop === 'takeWaitMs' || Reflect.has(target, prop),
  }) as S & { takeWaitMs(): number };
}

run(async () => {
  const o = options(['cycles', 'after-sql', 'sql-timing']);
  const engine = await openEngine();
  const { config, logger, session } = engine;
  const timing = o['sql-timing'] === 'true' ? timedDb(engine.db) : undefined;
  const db = timing?.db ?? engine.db;
  const lock = await acquireRunnerLock(config.databaseUrl);
  try {
    await failInterruptedRuns(db);
    const userId = await session.userId();
    const source = timedSource(session.source);
    const cycles = [];
    for (let i = 0; i < Number(o.cycles ?? 1); i++) {
      const before = process.resourceUsage();
      const lastPageMs: Record<string, number> = {};
      const t0 = performance.now();
      const r = await runCycle(
        {
          db,
          source,
          logger,
          userId,
          reads: config.reads,
          // With heap relief, as `dynasync sync` and `run` do (cli/commands/sync.ts).
          onPage: relievingHeap(config.heapBudgetMb ?? 0, (e: PageEvent) => (lastPageMs[e.entity] = ms(t0))),
        },
        'once',
      );
      const cycleMs = ms(t0);
      const waitedMs = Math.round(source.takeWaitMs());
      const after = process.resourceUsage();
      cycles.push({
        cycleMs,
        status: r.status,
        waitedForPagesMs: waitedMs,
        cpuMs: Math.round((after.userCPUTime + after.systemCPUTime - before.userCPUTime - before.systemCPUTime) / 1000),
        // When each table's last page had committed, from the cycle's start.
        committedAtMs: lastPageMs,
        tables: r.tables.map((t) => ({
          entity: t.entity,
          status: t.status,
          fullRead: t.fullRead,
          pages: t.pages,
          inserted: t.inserted,
          updated: t.updated,
          unchanged: t.unchanged,
          deleted: t.deleted,
          skipped: t.skipped,
          activities: t.activities,
          error: t.error?.message,
        })),
      });
    }
    const afterSql = o['after-sql'] ? (await db.query(o['after-sql'])).rows : undefined;
    emit({
      cycles,
      client: (session.source as { requestStats(): unknown }).requestStats(),
      afterSql,
      sql: timing?.times(),
    });
  } finally {
    await lock.release();
    await db.close();
  }
});
