/**
 * A cycle that could not begin (the sign-in was refused, the runner lock was lost, the field
 * catalog is missing) is still a cycle that did not sync anything: it is recorded as a failed run
 * of every table, with a sync error per table, so status, /metrics, the chart and the errors page
 * show the failure instead of the last success.
 */
import { CYCLE_ORDER } from '../domain/index.js';
import type { Db } from '../store/db/types.js';
import { finishRun, recordSyncError, startRun } from './state.js';
import { newResult } from './stream.js';
import type { RunTrigger } from '../store/runs.js';

export interface CycleFailure {
  readonly code: string;
  readonly message: string;
}

export async function recordFailedCycle(db: Db, trigger: RunTrigger, failure: CycleFailure): Promise<number> {
  const runId = await startRun(db, trigger, new Date());
  const tables = CYCLE_ORDER.map((entity) => ({
    ...newResult(entity),
    status: 'failed' as const,
    error: { ...failure },
  }));
  for (const t of tables) {
    await recordSyncError(db, {
      runId,
      entity: t.entity,
      recordId: null,
      operation: 'read',
      code: failure.code,
      message: failure.message,
      personId: null,
    });
  }
  await finishRun(db, runId, {
    status: 'failed',
    tables,
    endedAt: new Date(),
    error: `${failure.code}: ${failure.message}`,
  });
  return runId;
}
