/**
 * What the workers publish per organization after each job (`dynasync_fleet.org_state`), read by
 * the fleet view, `/metrics` and `org list --status`: when its cycle was due, when it ran, how it
 * ended, how long Dataverse throttling held it back, and how late it started against its interval.
 */
import type { SqlClient } from '../db/types.js';
import { FLEET_SCHEMA } from './registry.js';

const STATE = `${FLEET_SCHEMA}.org_state`;

export interface JobStart {
  readonly org: string;
  readonly worker: string;
  /** When the job was meant to start (its start_after): lateness is measured against it. */
  readonly dueAt: Date;
  readonly startedAt: Date;
}

export async function recordJobStart(c: SqlClient, s: JobStart): Promise<void> {
  await c.query(
    `INSERT INTO ${STATE} (name, due_at, started_at, worker, lateness_ms)
     VALUES ($1, $2, $3, $4, GREATEST(0, (extract(epoch FROM $3::timestamptz - $2::timestamptz) * 1000)::bigint))
     ON CONFLICT (name) DO UPDATE SET due_at = EXCLUDED.due_at, started_at = EXCLUDED.started_at,
       worker = EXCLUDED.worker, lateness_ms = EXCLUDED.lateness_ms`,
    [s.org, s.dueAt, s.startedAt, s.worker],
  );
}

export interface JobEnd {
  readonly org: string;
  readonly status: string;
  readonly error: string | null;
  readonly throttledMs: number;
  /** When the next cycle is due (the job just queued for it). */
  readonly nextDueAt: Date;
}

export async function recordJobEnd(c: SqlClient, e: JobEnd): Promise<void> {
  await c.query(
    `UPDATE ${STATE} SET ended_at = now(), status = $2, error = $3, throttled_ms = $4, due_at = $5, jobs = jobs + 1,
       consecutive_failures = CASE WHEN $2 IN ('failed') THEN consecutive_failures + 1 ELSE 0 END
     WHERE name = $1`,
    [e.org, e.status, e.error, Math.round(e.throttledMs), e.nextDueAt],
  );
}

export interface OrgState {
  readonly name: string;
  readonly intervalSeconds: number;
  readonly dueAt: Date | null;
  readonly startedAt: Date | null;
  readonly endedAt: Date | null;
  readonly status: string | null;
  readonly error: string | null;
  readonly consecutiveFailures: number;
  readonly throttledMs: number;
  readonly latenessMs: number | null;
  readonly worker: string | null;
  readonly jobs: number;
  /** Its cycle was due more than `graceMs` ago and has not started (or it never ran). */
  readonly behind: boolean;
}

interface Row {
  name: string;
  interval_seconds: number;
  due_at: Date | null;
  started_at: Date | null;
  ended_at: Date | null;
  status: string | null;
  error: string | null;
  consecutive_failures: number | null;
  throttled_ms: number | null;
  lateness_ms: number | null;
  worker: string | null;
  jobs: number | null;
  behind: boolean;
}

/** Every organization with its state, in name order (one query over the registry's two tables). */
export async function listOrgStates(c: SqlClient, graceMs: number): Promise<OrgState[]> {
  const r = await c.query<Row>(
    `SELECT o.name, o.interval_seconds, s.due_at, s.started_at, s.ended_at, s.status, s.error,
       s.consecutive_failures, s.throttled_ms::int AS throttled_ms, s.lateness_ms::int AS lateness_ms, s.worker,
       s.jobs::int AS jobs,
       (COALESCE(s.due_at, o.created_at) < now() - make_interval(secs => $1::float8 / 1000)
         AND (s.started_at IS NULL OR s.started_at < COALESCE(s.due_at, o.created_at))) AS behind
     FROM ${FLEET_SCHEMA}.organizations o LEFT JOIN ${STATE} s USING (name) ORDER BY o.name`,
    [graceMs],
  );
  return r.rows.map((x) => ({
    name: x.name,
    intervalSeconds: x.interval_seconds,
    dueAt: x.due_at,
    startedAt: x.started_at,
    endedAt: x.ended_at,
    status: x.status,
    error: x.error,
    consecutiveFailures: x.consecutive_failures ?? 0,
    throttledMs: x.throttled_ms ?? 0,
    latenessMs: x.lateness_ms,
    worker: x.worker,
    jobs: x.jobs ?? 0,
    behind: x.behind,
  }));
}
