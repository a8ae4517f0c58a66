/**
 * What /metrics reads from the lead database: finished sync runs and sync errors past a cursor, so
 * a metrics collector can add only what is new at each scrape, and start from the whole history
 * after a restart (the counters then continue where the database says, not from zero).
 */
import type { SqlClient } from './db/types.js';
import type { RunStatus, TableStats } from './runs.js';

export interface FinishedRun {
  readonly id: number;
  readonly status: Exclude<RunStatus, 'running'>;
  readonly durationSeconds: number;
  readonly stats: Readonly<Record<string, TableStats>>;
}

/**
 * Finished runs with id > afterId, oldest first. Runs finish in id order (one runner at a time,
 * under the runner lock), so the cursor stops before the first one still running.
 */
export async function finishedRunsAfter(c: SqlClient, afterId: number, limit: number): Promise<FinishedRun[]> {
  const r = await c.query<{
    id: number | string;
    status: FinishedRun['status'];
    seconds: number | string;
    stats: Record<string, TableStats>;
    ended: boolean;
  }>(
    `SELECT id, status, extract(epoch FROM coalesce(ended_at, started_at) - started_at)::float8 AS seconds, stats,
            ended_at IS NOT NULL AS ended
     FROM sync_runs WHERE id > $1 ORDER BY id LIMIT $2`,
    [afterId, limit],
  );
  const done: FinishedRun[] = [];
  for (const row of r.rows) {
    if (!row.ended) break;
    done.push({
      id: Number(row.id),
      status: row.status,
      durationSeconds: Math.max(0, Number(row.seconds)),
      stats: row.stats,
    });
  }
  return done;
}

export interface ErrorCount {
  readonly entity: string;
  readonly code: string;
  readonly count: number;
}

/** Sync errors with id > afterId, counted per table and code (aggregated in the database). */
export async function syncErrorCountsAfter(
  c: SqlClient,
  afterId: number,
): Promise<{ counts: ErrorCount[]; lastId: number }> {
  const r = await c.query<{ entity: string | null; code: string | null; n: number; last_id: number | string | null }>(
    `WITH fresh AS (SELECT id, entity, code FROM sync_errors WHERE id > $1)
     SELECT entity, code, count(*)::int AS n, (SELECT max(id) FROM fresh) AS last_id FROM fresh GROUP BY entity, code`,
    [afterId],
  );
  const lastId = r.rows[0]?.last_id;
  return {
    counts: r.rows.map((x) => ({ entity: x.entity ?? '', code: x.code ?? '', count: x.n })),
    lastId: lastId === null || lastId === undefined ? afterId : Number(lastId),
  };
}
