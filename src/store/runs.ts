/**
 * Sync runs: one row per cycle with per-table stats, notes (e.g. why a table was re-read in full)
 * and the outcome. Stats are merged table by table as the cycle goes, so a crash mid-cycle still
 * leaves what was done.
 */
import { FatalError } from '../domain/errors.js';
import type { SqlClient } from './db/types.js';

/** 'push': a Dataverse webhook notification asked for a read of the tables it named. */
export type RunTrigger = 'schedule' | 'manual' | 'once' | 'push';
export type RunStatus = 'running' | 'success' | 'partial' | 'failed' | 'cancelled';

/** One table's counts in one run. Extra keys are kept as given. */
export interface TableStats {
  readonly inserted: number;
  readonly updated: number;
  readonly deleted: number;
  readonly unchanged: number;
  readonly skipped: number;
  readonly pages: number;
  readonly fullRead: boolean;
  readonly reason?: string;
  readonly [extra: string]: unknown;
}

export interface RunNote {
  readonly table?: string;
  readonly message: string;
  readonly at?: string;
}

export interface SyncRun {
  readonly id: number;
  readonly trigger: RunTrigger;
  readonly status: RunStatus;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
  readonly stats: Readonly<Record<string, TableStats>>;
  readonly notes: readonly RunNote[];
  readonly error: string | null;
}

interface RunRow {
  id: number;
  trigger: RunTrigger;
  status: RunStatus;
  started_at: Date;
  ended_at: Date | null;
  stats: Record<string, TableStats>;
  notes: RunNote[];
  error: string | null;
}

const toRun = (r: RunRow): SyncRun => ({
  id: r.id,
  trigger: r.trigger,
  status: r.status,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  stats: r.stats,
  notes: r.notes,
  error: r.error,
});

export async function startRun(c: SqlClient, trigger: RunTrigger, at: Date = new Date()): Promise<SyncRun> {
  const r = await c.query<RunRow>(
    `INSERT INTO sync_runs (trigger, status, started_at) VALUES ($1, 'running', $2) RETURNING *`,
    [trigger, at],
  );
  return toRun(r.rows[0] as RunRow);
}

/** Sets (replaces) one table's stats in the run. */
export async function recordTableStats(c: SqlClient, runId: number, table: string, stats: TableStats): Promise<void> {
  await c.query('UPDATE sync_runs SET stats = stats || jsonb_build_object($2::text, $3::jsonb) WHERE id = $1', [
    runId,
    table,
    JSON.stringify(stats),
  ]);
}

export async function addRunNote(c: SqlClient, runId: number, note: RunNote): Promise<void> {
  const stamped = { ...note, at: note.at ?? new Date().toISOString() };
  await c.query('UPDATE sync_runs SET notes = notes || jsonb_build_array($2::jsonb) WHERE id = $1', [
    runId,
    JSON.stringify(stamped),
  ]);
}

export interface RunOutcome {
  readonly status: Exclude<RunStatus, 'running'>;
  readonly error?: string | null;
  /** Merged over the stats recorded so far. */
  readonly stats?: Readonly<Record<string, TableStats>>;
}

export async function finishRun(c: SqlClient, runId: number, outcome: RunOutcome): Promise<SyncRun> {
  const r = await c.query<RunRow>(
    `UPDATE sync_runs SET status = $2, error = $3, stats = stats || $4::jsonb, ended_at = now()
     WHERE id = $1 RETURNING *`,
    [runId, outcome.status, outcome.error ?? null, JSON.stringify(outcome.stats ?? {})],
  );
  if (!r.rows[0]) throw new FatalError('no_sync_run', `No sync run ${runId}`);
  return toRun(r.rows[0]);
}

/**
 * Runs a killed process left 'running' end as 'failed', so status never shows a cycle that is not
 * happening. Call only while holding the runner lock: another live runner's run would be ended too.
 */
export async function failInterruptedRuns(
  c: SqlClient,
  error = 'interrupted: the process stopped during the cycle',
): Promise<number> {
  const r = await c.query(
    `UPDATE sync_runs SET status = 'failed', error = $1, ended_at = now() WHERE status = 'running'`,
    [error],
  );
  return r.rowCount;
}

/** Newest first; `beforeId` pages further back. */
export async function listRuns(c: SqlClient, opts: { limit?: number; beforeId?: number } = {}): Promise<SyncRun[]> {
  const r = await c.query<RunRow>(
    'SELECT * FROM sync_runs WHERE $1::bigint IS NULL OR id < $1 ORDER BY id DESC LIMIT $2',
    [opts.beforeId ?? null, Math.min(Math.max(opts.limit ?? 20, 1), 1000)],
  );
  return r.rows.map(toRun);
}

export interface TableLastRun {
  readonly runId: number;
  readonly status: RunStatus;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
  readonly stats: TableStats;
}

/** For each table, the most recent run that recorded stats for it (running ones included). */
export async function lastRunPerTable(c: SqlClient): Promise<Map<string, TableLastRun>> {
  const r = await c.query<{
    table_name: string;
    id: number;
    status: RunStatus;
    started_at: Date;
    ended_at: Date | null;
    table_stats: TableStats;
  }>(
    `SELECT DISTINCT ON (t.key) t.key AS table_name, r.id, r.status, r.started_at, r.ended_at, t.value AS table_stats
     FROM sync_runs r CROSS JOIN LATERAL jsonb_each(r.stats) t
     ORDER BY t.key, r.id DESC`,
  );
  return new Map(
    r.rows.map((x) => [
      x.table_name,
      {
        runId: x.id,
        status: x.status,
        startedAt: x.started_at,
        endedAt: x.ended_at,
        stats: x.table_stats,
      },
    ]),
  );
}
