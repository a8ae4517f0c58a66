/**
 * Sync status for the status page: buildStatus's per-table view, plus what the UI charts — records
 * synced in the last hour and records per recent cycle — and the runner's next cycle; and sync-now.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { listRuns, type SyncRun } from '../../store/runs.js';
import { recordsSyncedSince } from '../../store/records/admin-queries.js';
import { buildStatus } from '../../sync/status.js';
import type { DynamicsAccess } from './dynamics.js';
import { AdminRefusal } from './errors.js';
import { healthFor } from './health-routes.js';

/** Cycles shown in the chart. */
export const CHART_CYCLES = 30;

export interface CycleBar {
  readonly runId: number;
  readonly trigger: string;
  readonly status: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  /** Inserted + updated + deleted over every table of the cycle. */
  readonly records: number;
  /** A table was read in full (the initial sync, a re-baseline, a new field selection). */
  readonly fullRead: boolean;
  readonly perTable: Readonly<Record<string, { inserted: number; updated: number; deleted: number }>>;
}

const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function cycleBar(run: SyncRun): CycleBar {
  const perTable: Record<string, { inserted: number; updated: number; deleted: number }> = {};
  let records = 0;
  let fullRead = false;
  for (const [table, s] of Object.entries(run.stats)) {
    if (!s || typeof s !== 'object') continue;
    if (s.fullRead === true && s.status !== 'failed') fullRead = true;
    const counts = { inserted: n(s.inserted), updated: n(s.updated), deleted: n(s.deleted) };
    perTable[table] = counts;
    records += counts.inserted + counts.updated + counts.deleted;
  }
  return {
    runId: run.id,
    trigger: run.trigger,
    status: run.status,
    startedAt: new Date(run.startedAt).toISOString(),
    endedAt: run.endedAt ? new Date(run.endedAt).toISOString() : null,
    records,
    fullRead,
    perTable,
  };
}

export function registerStatusRoutes(app: FastifyInstance, deps: ApiDeps, dynamics: DynamicsAccess): void {
  app.get('/api/status', async (_request, reply) => {
    const now = new Date();
    const [status, runs, lastHour] = await Promise.all([
      dynamics.pendingCounter().then((pending) => buildStatus(deps.db, pending)),
      listRuns(deps.db, { limit: CHART_CYCLES }),
      recordsSyncedSince(deps.db, new Date(now.getTime() - 3600_000)),
    ]);
    const recordsLastHour = Object.values(lastHour).reduce((a, b) => a + b, 0);
    const health = await healthFor(deps, status, recordsLastHour);
    void reply.header('cache-control', 'no-store');
    const runnerNext = deps.runner?.nextCycleAt;
    return {
      serverTime: now.toISOString(),
      runner: deps.runner ? 'running' : 'absent',
      // The live runner knows best; a runner in another process publishes its schedule in settings.
      nextCycleAt: runnerNext ? runnerNext.toISOString() : status.nextCycleAt,
      // The same preference: a database that just came back may still hold the runner's older word.
      runnerHealth: deps.runner?.health ?? status.runner,
      // What the runner spent of its Dataverse budget, as it last sampled it (every 5 s while it runs).
      dataverseBudget: status.dataverseBudget,
      health,
      recordsLastHour,
      tables: status.tables.map((t) => ({ ...t, recordsLastHour: lastHour[t.table] ?? 0 })),
      cycles: runs.map(cycleBar).reverse(),
      quickSyncs: status.quickSyncs,
      push: status.push,
    };
  });

  app.post('/api/sync-now', async (_request, reply) => {
    if (!deps.runner) {
      throw new AdminRefusal(
        409,
        'no_runner',
        'No sync runner runs in this process: start dynasync with `run` or `demo`',
      );
    }
    deps.runner.syncNow();
    return reply.code(202).send({ accepted: true });
  });
}
