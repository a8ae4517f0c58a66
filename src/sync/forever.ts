/**
 * `dynasync run` assembled: the runner lock, the live session (re-read before every cycle), the
 * outbox sender and the forever runner, started and stopped together. The CLI adds only the
 * terminal (progress bar, printed cycles, signals); the workers of a later issue reuse this.
 */
import type { Logger } from '../config/index.js';
import { hasConnection } from '../store/connection-repo.js';
import type { Db } from '../store/db/types.js';
import { acquireRunnerLock } from '../store/runner-lock.js';
import { failInterruptedRuns } from '../store/runs.js';
import type { SecretBox } from '../store/secrets.js';
import { startBudgetReporter, type BudgetSource } from './budget-report.js';
import type { CycleResult } from './cycle.js';
import { LiveSession } from './live-session.js';
import { SyncRunner } from './runner.js';
import { startSenderLoop } from './sender-loop.js';
import { startQuickSyncLoop } from './quick-sync-loop.js';
import { pollPushTriggers, pushHooks } from './push-trigger.js';
import { notConnected } from './session.js';
import type { PageEvent } from './stream.js';

export interface ForeverOptions {
  readonly db: Db;
  /** The PostgreSQL URL, for the runner lock (PGlite's data-dir lock already allows one process). */
  readonly databaseUrl?: string;
  readonly secretBox: SecretBox;
  readonly logger: Logger;
  readonly pageSize: number;
  readonly intervalMs: number;
  readonly maxBackoffMs?: number;
  readonly onPage?: (e: PageEvent) => void;
  readonly onCycle?: (r: CycleResult) => void;
}

export interface Forever {
  readonly runner: SyncRunner;
  /** Runs until the runner is stopped, then stops the sender and releases the lock. */
  run(): Promise<void>;
}

/** Takes the lock (refusing when another runner holds it) and builds the loop; nothing runs yet. */
export async function assembleForever(o: ForeverOptions): Promise<Forever> {
  const lock = await acquireRunnerLock(o.databaseUrl, o.db.schema);
  try {
    await failInterruptedRuns(o.db); // runs a killed process left 'running'
    // Without any connection there is nothing to sync: say so now. Every other problem of the
    // connection (a wrong password...) is a failed cycle the runner records and retries.
    if (!(await hasConnection(o.db))) throw notConnected();
  } catch (err) {
    await lock.release();
    throw err;
  }
  const live = new LiveSession({ db: o.db, secretBox: o.secretBox, logger: o.logger, pageSize: o.pageSize });
  const sender = startSenderLoop({ db: o.db, writer: live.writer(), logger: o.logger });
  let source: BudgetSource | null = null;
  const budget = startBudgetReporter(o.db, () => source);
  const quick = startQuickSyncLoop({
    db: o.db,
    logger: o.logger,
    source: async () => (await live.current()).session.source,
  });
  const runner = new SyncRunner(
    { db: o.db, logger: o.logger, ...(o.onPage ? { onPage: o.onPage } : {}) },
    {
      intervalMs: o.intervalMs,
      ...(o.maxBackoffMs ? { maxBackoffMs: o.maxBackoffMs } : {}),
      prepare: async () => {
        await lock.ensure();
        const { session, userId } = await live.current();
        source = session.source;
        return { source: session.source, userId };
      },
      onSignInRefused: () => live.invalidate(),
      push: pushHooks(o.db),
      onCycle: (r) => {
        o.onCycle?.(r);
        void sender.drain();
      },
    },
    o.logger,
  );
  return {
    runner,
    run: async () => {
      const stopPolling = pollPushTriggers(o.db, o.logger, () => runner.pushNow());
      try {
        await runner.start();
      } finally {
        stopPolling();
        await sender.stop();
        await budget.stop();
        await quick.stop();
        await lock.release();
      }
    },
  };
}
