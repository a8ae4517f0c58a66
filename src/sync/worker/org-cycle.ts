/**
 * One organization's cycle as a worker runs it: the same parts `dynasync run` assembles
 * (forever.ts) — the runner lock, the live session, the cycle, the sender — for one cycle instead
 * of forever. The runner lock (a session advisory lock on the organization's schema) is the lease:
 * two workers, or a worker and a `dynasync run --org`, never sync one organization at once, and a
 * worker killed with kill -9 loses it with its connection, so the job's retry can take over.
 */
import type { Logger } from '../../config/index.js';
import { FatalError } from '../../domain/index.js';
import type { Db } from '../../store/db/types.js';
import { acquireRunnerLock, type RunnerLock } from '../../store/runner-lock.js';
import { failInterruptedRuns } from '../../store/runs.js';
import type { SecretBox } from '../../store/secrets.js';
import { runCycle } from '../cycle.js';
import { recordFailedCycle } from '../failed-cycle.js';
import { LiveSession } from '../live-session.js';
import { describeFailure } from '../runner-health.js';
import { drainOutbox } from '../sender.js';

export interface OrgCycleOptions {
  readonly db: Db;
  readonly databaseUrl: string;
  readonly secretBox: SecretBox;
  readonly logger: Logger;
  readonly pageSize: number;
  readonly trigger: 'schedule' | 'manual' | 'push';
  /** Aborted on SIGTERM: the page being stored commits, then the cycle ends as cancelled. */
  readonly signal?: AbortSignal;
}

export type OrgCycleStatus = 'success' | 'partial' | 'failed' | 'cancelled' | 'busy';

export interface OrgCycleOutcome {
  readonly status: OrgCycleStatus;
  readonly error: string | null;
  /** Wall-clock ms Dataverse throttling held this cycle's requests back. */
  readonly throttledMs: number;
}

async function tryLock(o: OrgCycleOptions): Promise<RunnerLock | null> {
  try {
    return await acquireRunnerLock(o.databaseUrl, o.db.schema);
  } catch (err) {
    if (err instanceof FatalError && err.code === 'runner_already_running') return null;
    throw err;
  }
}

const throttledOf = (stats: unknown): number =>
  typeof stats === 'object' && stats !== null && typeof (stats as { throttledMs?: unknown }).throttledMs === 'number'
    ? (stats as { throttledMs: number }).throttledMs
    : 0;

/** Runs one cycle of the organization unless another process holds its lease ('busy'). Never throws for a failed cycle. */
export async function runOrgCycle(o: OrgCycleOptions): Promise<OrgCycleOutcome> {
  const lock = await tryLock(o);
  if (!lock) return { status: 'busy', error: null, throttledMs: 0 };
  try {
    await failInterruptedRuns(o.db, 'failed: the worker running it stopped (its job was taken over)');
    const live = new LiveSession({ db: o.db, secretBox: o.secretBox, logger: o.logger, pageSize: o.pageSize });
    let signedIn;
    try {
      signedIn = await live.current();
    } catch (err) {
      const failure = describeFailure(err);
      await recordFailedCycle(o.db, o.trigger, failure);
      return { status: 'failed', error: `${failure.code}: ${failure.message}`, throttledMs: 0 };
    }
    const deps = { db: o.db, writer: signedIn.writer, logger: o.logger, ...(o.signal ? { signal: o.signal } : {}) };
    // Local changes first, as `sync --once` does: a 412 decides a collision before the delta.
    await drainOutbox(deps);
    const result = await runCycle(
      {
        db: o.db,
        source: signedIn.session.source,
        userId: signedIn.userId,
        logger: o.logger,
        ...(o.signal ? { signal: o.signal } : {}),
      },
      o.trigger,
    ).catch((err: unknown) => err as Error);
    if (!o.signal?.aborted) await drainOutbox(deps);
    const throttledMs = throttledOf(signedIn.session.source.requestStats());
    if (result instanceof Error) return { status: 'failed', error: result.message, throttledMs };
    const firstError = result.tables.find((t) => t.error)?.error;
    return {
      status: result.status,
      error: firstError ? `${firstError.code}: ${firstError.message}` : null,
      throttledMs,
    };
  } finally {
    await lock.release();
  }
}
