/**
 * Sync status per table: last cycle, records stored, what the last cycle did, pending changes in
 * Dynamics (the delta count), the last error, and when the next cycle starts.
 */
import { CYCLE_ORDER, ENTITY_INFO } from '../domain/index.js';
import type { Db } from '../store/db/types.js';
import { listCheckpoints } from '../store/checkpoints.js';
import { lastRunPerTable } from '../store/runs.js';
import { searchSyncErrors } from '../store/sync-errors.js';
import { storedPerTable } from '../store/records/index.js';
import { describeFailure, type RunnerHealth } from './runner-health.js';
import { loadSchedule } from './state.js';
import { loadBudget, type BudgetStatus } from './budget-report.js';
import { listQuickSyncs, type QuickSync } from '../store/quick-sync.js';
import { pushStatus, type PushStatus } from './push-status.js';

export interface TableStatus {
  readonly table: string;
  readonly phase: 'not_started' | 'initial' | 'delta';
  readonly blockedReason: string | null;
  readonly lastCycle: { runId: number; status: string; startedAt: string; endedAt: string | null } | null;
  readonly stored: number;
  readonly deletedInDynamics: number;
  /** Persons kept but no longer updated: new_synctomkto turned No in Dynamics (leads and contacts). */
  readonly stoppedBySyncFilter: number;
  readonly lastCycleCounts: { inserted: number; updated: number; deleted: number; skipped: number } | null;
  /** null when unknown (no delta link yet, or Dynamics could not be asked). */
  readonly pendingChanges: number | null;
  /** Why pendingChanges is unknown when Dynamics was asked and failed (e.g. sign_in_failed). */
  readonly pendingError: { code: string; reason?: string; message: string } | null;
  readonly lastError: { code: string; message: string; at: string } | null;
  /** The table's error in its last cycle, when that cycle failed or blocked it. */
  readonly lastCycleError: { code: string; message: string } | null;
}

export interface SyncStatus {
  readonly tables: readonly TableStatus[];
  readonly nextCycleAt: string | null;
  /** How the runner is doing, as it last saved it (null before any runner saved it). */
  readonly runner: RunnerHealth | null;
  /** What the runner spent of its Dataverse budget, as it last saved it (null before any runner did). */
  readonly dataverseBudget: BudgetStatus | null;
  /** Queued and running quick syncs with their progress, then the last few finished (issue 11). */
  readonly quickSyncs: readonly QuickSync[];
  /** Dataverse webhooks: on or off, notifications, refused ones, change-to-visible time. */
  readonly push: PushStatus;
}

export interface PendingCounter {
  countChanges(entitySet: string, deltaLink: string): Promise<number>;
}

export async function buildStatus(db: Db, pending: PendingCounter | null): Promise<SyncStatus> {
  const [checkpoints, lastRuns, stored, schedule, budget, quickSyncs] = await Promise.all([
    listCheckpoints(db),
    lastRunPerTable(db),
    storedPerTable(db),
    loadSchedule(db),
    loadBudget(db),
    listQuickSyncs(db),
  ]);
  const tables: TableStatus[] = [];
  for (const table of CYCLE_ORDER) {
    const cp = checkpoints.find((c) => c.stream === table);
    const run = lastRuns.get(table);
    const errors = await searchSyncErrors(db, { entity: table, limit: 1 });
    const err = errors.items[0];
    tables.push({
      table,
      phase: cp ? cp.phase : 'not_started',
      blockedReason: cp?.blockedReason ?? null,
      // The table's own outcome (a partial cycle may have failed only this table).
      lastCycle: run
        ? {
            runId: run.runId,
            status: typeof run.stats.status === 'string' ? run.stats.status : run.status,
            startedAt: iso(run.startedAt),
            endedAt: run.endedAt ? iso(run.endedAt) : null,
          }
        : null,
      stored: stored[table]?.stored ?? 0,
      deletedInDynamics: stored[table]?.deleted ?? 0,
      stoppedBySyncFilter: stored[table]?.stopped ?? 0,
      lastCycleCounts: run
        ? {
            inserted: run.stats.inserted,
            updated: run.stats.updated,
            deleted: run.stats.deleted,
            skipped: run.stats.skipped,
          }
        : null,
      ...(await pendingFor(pending, table, cp?.phase === 'delta' ? cp.link : null)),
      lastError: err ? { code: err.code, message: err.message, at: iso(err.occurredAt) } : null,
      lastCycleError: cycleError(run?.stats.error),
    });
  }
  return {
    tables,
    nextCycleAt: schedule?.nextCycleAt ?? null,
    runner: schedule?.runner ?? null,
    dataverseBudget: budget,
    quickSyncs,
    push: await pushStatus(db),
  };
}

async function pendingFor(
  pending: PendingCounter | null,
  table: string,
  deltaLink: string | null,
): Promise<Pick<TableStatus, 'pendingChanges' | 'pendingError'>> {
  if (!pending || !deltaLink) return { pendingChanges: null, pendingError: null };
  try {
    return {
      pendingChanges: await pending.countChanges(ENTITY_INFO[table as keyof typeof ENTITY_INFO].entitySet, deltaLink),
      pendingError: null,
    };
  } catch (err) {
    // Status must answer even when Dynamics does not; it says why the count is missing.
    const { code, reason, message } = describeFailure(err);
    return { pendingChanges: null, pendingError: { code, ...(reason ? { reason } : {}), message } };
  }
}

function cycleError(e: unknown): TableStatus['lastCycleError'] {
  if (!e || typeof e !== 'object') return null;
  const { code, message } = e as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? { code, message: typeof message === 'string' ? message : code } : null;
}

const iso = (d: Date | string): string => new Date(d).toISOString();
