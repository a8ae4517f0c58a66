/**
 * The engine's bookkeeping in the lead database: checkpoints, runs, sync errors, the selection and
 * the schedule: what the engine adds to store/ (a new stream's first checkpoint, the version checks,
 * the direction of a read error, a run's per-table stats). Plain store calls are made directly.
 */
import type { CatalogField, SelectedField, SyncEntity } from '../domain/index.js';
import type { Db, SqlClient } from '../store/db/types.js';
import { getCheckpoint, resetStream, saveCheckpoint, type Checkpoint } from '../store/checkpoints.js';
import { listCatalog, getSelection } from '../store/fields-repo.js';
import {
  addRunNote,
  finishRun as storeFinishRun,
  recordTableStats,
  startRun as storeStartRun,
  type RunStatus,
} from '../store/runs.js';
import { getSetting, setSetting } from '../store/settings-repo.js';
import { recordSyncErrors } from '../store/sync-errors.js';
import type { RunnerHealth } from './runner-health.js';
import type { StreamResult } from './stream.js';
import type { RunTrigger } from '../store/runs.js';

/** The stream's checkpoint; a new stream, or one whose selection changed, starts a full read. */
export async function loadCheckpoint(db: Db, stream: string, selectHash: string): Promise<Checkpoint> {
  const cp = await getCheckpoint(db, stream);
  if (cp && cp.selectHash === selectHash) return cp;
  if (cp?.blockedReason) return cp;
  if (!cp) {
    return saveCheckpoint(
      db,
      { stream, phase: 'initial', link: null, generation: 1, selectHash, blockedReason: null },
      null,
    );
  }
  // A different selection: the stored values of newly selected columns must be read in full.
  return resetStream(db, stream, selectHash, cp.version);
}

export function commitCheckpoint(
  tx: SqlClient,
  cp: Checkpoint,
  next: { phase: 'initial' | 'delta'; link: string | null },
): Promise<Checkpoint> {
  return saveCheckpoint(tx, { ...cp, phase: next.phase, link: next.link }, cp.version);
}

/** A full read in a new generation, with the version check every checkpoint write has. */
export const rebaseline = (db: Db, stream: string, selectHash: string, expectedVersion: number): Promise<Checkpoint> =>
  resetStream(db, stream, selectHash, expectedVersion);

export interface EngineSyncError {
  readonly runId: number | null;
  readonly entity: string;
  readonly recordId: string | null;
  readonly operation: 'create' | 'update' | 'delete' | 'read' | 'schema';
  readonly code: string;
  readonly message: string;
  readonly personId: number | null;
}

export async function recordSyncError(c: SqlClient, e: EngineSyncError): Promise<void> {
  await recordSyncErrors(c, [{ ...e, direction: 'from_dynamics' }]);
}

export async function loadSelection(
  c: SqlClient,
  entity: SyncEntity,
): Promise<{ catalog: CatalogField[]; selection: SelectedField[] }> {
  const [catalog, selection] = await Promise.all([listCatalog(c, entity), getSelection(c, entity)]);
  return { catalog, selection };
}

export async function startRun(db: Db, trigger: RunTrigger, at: Date): Promise<number> {
  return (await storeStartRun(db, trigger, at)).id;
}

export async function finishRun(
  db: Db,
  runId: number,
  outcome: {
    status: Exclude<RunStatus, 'running'>;
    tables: readonly StreamResult[];
    endedAt: Date;
    error: string | null;
  },
): Promise<void> {
  for (const t of outcome.tables) {
    await recordTableStats(db, runId, t.entity, {
      inserted: t.inserted,
      updated: t.updated,
      deleted: t.deleted,
      unchanged: t.unchanged,
      skipped: t.skipped,
      pages: t.pages,
      fullRead: t.fullRead,
      activities: t.activities,
      status: t.status,
      ...(t.rebaselined ? { reason: `delta token expired, re-baselined: ${t.rebaselined}` } : {}),
      ...(t.error ? { error: t.error } : {}),
    });
    if (t.rebaselined)
      await addRunNote(db, runId, { table: t.entity, message: `Re-baselined with a full read: ${t.rebaselined}` });
  }
  await storeFinishRun(db, runId, { status: outcome.status, error: outcome.error });
}

/**
 * When the next cycle starts (null while one runs or when no runner is up) and how the runner is
 * doing, for `status` and the UI of any process.
 */
export async function saveSchedule(db: Db, nextCycleAt: Date | null, runner?: RunnerHealth): Promise<void> {
  await setSetting(db, 'schedule', {
    nextCycleAt: nextCycleAt?.toISOString() ?? null,
    updatedAt: new Date().toISOString(),
    ...(runner ? { runner } : {}),
  });
}

export interface SavedSchedule {
  readonly nextCycleAt: string | null;
  readonly runner?: RunnerHealth;
}

export const loadSchedule = (db: Db): Promise<SavedSchedule | undefined> => getSetting<SavedSchedule>(db, 'schedule');
