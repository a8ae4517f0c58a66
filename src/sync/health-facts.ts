/**
 * Gathers the facts computeHealth judges: the per-table status (buildStatus), the runner's health
 * (the live runner's when this process runs it, else the one it saved), the outbox backlog, the
 * last hour's records and the cycle history. A database that does not answer is a fact too.
 */
import { hasConnection } from '../store/connection-repo.js';
import type { Db } from '../store/db/types.js';
import { cycleHistory } from '../store/health-queries.js';
import { outboxCounts } from '../store/outbox.js';
import { recordsSyncedSince } from '../store/records/admin-queries.js';
import { computeHealth, type Health, type HealthFacts } from './health.js';
import type { RunnerHealth } from './runner-health.js';
import type { SyncStatus } from './status.js';

export interface HealthInput {
  readonly db: Db;
  readonly status: SyncStatus;
  readonly intervalMs: number;
  /** This process's runner, which knows better than the saved schedule. */
  readonly liveRunner?: RunnerHealth | null;
  readonly now?: Date;
  /** Already counted by the caller (the status API has it). */
  readonly recordsLastHour?: number;
}

export async function gatherHealthFacts(input: HealthInput): Promise<HealthFacts> {
  const now = input.now ?? new Date();
  const [connected, history, outbox, lastHour] = await Promise.all([
    hasConnection(input.db),
    cycleHistory(input.db),
    outboxCounts(input.db),
    input.recordsLastHour !== undefined
      ? Promise.resolve(input.recordsLastHour)
      : recordsSyncedSince(input.db, new Date(now.getTime() - 3600_000)).then((m) =>
          Object.values(m).reduce((a, b) => a + b, 0),
        ),
  ]);
  return {
    now,
    intervalMs: input.intervalMs,
    databaseError: null,
    connected,
    runner: input.liveRunner ?? input.status.runner,
    tables: input.status.tables,
    outboxPending: outbox.pending,
    recordsLastHour: lastHour,
    lastSuccessAt: history.lastSuccessAt?.toISOString() ?? null,
    anyCycle: history.anyCycle,
    openRecordErrors: history.openRecordErrors,
  };
}

export async function healthOf(input: HealthInput): Promise<Health> {
  return computeHealth(await gatherHealthFacts(input));
}

/** The health of a process whose database does not answer (nothing else can be known). */
export function databaseDownHealth(err: unknown, intervalMs: number, runner: RunnerHealth | null = null): Health {
  return computeHealth({
    now: new Date(),
    intervalMs,
    databaseError: err instanceof Error ? err.message : String(err),
    connected: false,
    runner,
    tables: [],
    outboxPending: 0,
    recordsLastHour: 0,
    lastSuccessAt: null,
    anyCycle: false,
    openRecordErrors: 0,
  });
}
