/**
 * The few statements the fleet runs on pg-boss's own job table (schema BOSS_SCHEMA): which
 * organizations have no job at all (the scheduler gives them one: no job is ever lost), and
 * "sync now" for one whose next job is waiting for its start time. pg-boss does everything else.
 */
import { ADVISORY_LOCK } from '../db/advisory-locks.js';
import type { SqlClient } from '../db/types.js';
import { FLEET_SCHEMA } from './registry.js';

export const BOSS_SCHEMA = 'dynasync_boss';
export const CYCLE_QUEUE = 'dynasync-org-cycle';

export interface Unscheduled {
  readonly name: string;
  /** When its cycle is due: the one its state recorded, else now. */
  readonly dueAt: Date;
}

/**
 * Organizations with no created, retry or active job, when this worker may schedule them: one
 * scheduler at a time (a transaction advisory lock), the others skip this round.
 */
export async function takeUnscheduled(
  db: { transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> },
  schedule: (tx: SqlClient, orgs: readonly Unscheduled[]) => Promise<void>,
): Promise<number> {
  return db.transaction(async (tx) => {
    const lock = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1::int, hashtext($2)) AS ok', [
      ADVISORY_LOCK.fleetSchedule,
      FLEET_SCHEMA,
    ]);
    if (!lock.rows[0]?.ok) return 0;
    const r = await tx.query<{ name: string; due_at: Date }>(
      `SELECT o.name, GREATEST(now(), COALESCE(s.due_at, now())) AS due_at
       FROM ${FLEET_SCHEMA}.organizations o LEFT JOIN ${FLEET_SCHEMA}.org_state s USING (name)
       WHERE NOT EXISTS (SELECT 1 FROM ${BOSS_SCHEMA}.job j
         WHERE j.name = $1 AND j.singleton_key = o.name AND j.state IN ('created', 'retry', 'active'))
       ORDER BY o.name`,
      [CYCLE_QUEUE],
    );
    const orgs = r.rows.map((x) => ({ name: x.name, dueAt: x.due_at }));
    // Inserted while the lock is held, so the next scheduler sees them.
    if (orgs.length > 0) await schedule(tx, orgs);
    return orgs.length;
  });
}

/**
 * Moves the organization's waiting job to now (naming why, when `trigger` is given: its cycle is
 * recorded with it); false when it has none waiting (one is running).
 */
export async function hurryJob(c: SqlClient, org: string, trigger?: string): Promise<boolean> {
  const boss = await c.query<{ t: string | null }>(`SELECT to_regclass('${BOSS_SCHEMA}.job')::text AS t`);
  if (boss.rows[0]?.t == null) return false; // no worker ever started: nothing is queued
  const r = await c.query(
    `UPDATE ${BOSS_SCHEMA}.job SET start_after = now(),
       data = CASE WHEN $3::text IS NULL THEN data ELSE COALESCE(data, '{}'::jsonb) || jsonb_build_object('trigger', $3::text) END
     WHERE name = $1 AND singleton_key = $2 AND state IN ('created', 'retry') AND start_after > now()`,
    [CYCLE_QUEUE, org, trigger ?? null],
  );
  return r.rowCount > 0;
}

export interface QueueCounts {
  readonly created: number;
  readonly retry: number;
  readonly active: number;
  readonly failed: number;
}

/** Job counts by state over the fleet's queue. */
export async function queueCounts(c: SqlClient): Promise<QueueCounts> {
  const r = await c.query<{ state: string; n: number }>(
    `SELECT state::text AS state, count(*)::int AS n FROM ${BOSS_SCHEMA}.job WHERE name = $1 GROUP BY state`,
    [CYCLE_QUEUE],
  );
  const by = Object.fromEntries(r.rows.map((x) => [x.state, x.n]));
  return { created: by.created ?? 0, retry: by.retry ?? 0, active: by.active ?? 0, failed: by.failed ?? 0 };
}
