/**
 * The push trigger's table (schema.ts `push_state`): notifications recorded by the process that
 * received them, claimed by the runner, and the figures status shows. One row per table, one named
 * `refused` for notifications with a wrong key.
 */
import type { SqlClient } from './db/types.js';

export const REFUSED = 'refused';

export interface PushClaim {
  readonly entity: string;
  /** The earliest change the claimed notifications announce. */
  readonly since: Date;
}

export interface PushFigures {
  readonly name: string;
  readonly pendingSince: Date | null;
  readonly notifications: number;
  readonly lastNotificationAt: Date | null;
  readonly lastVisibleMs: number | null;
  readonly lastVisibleAt: Date | null;
}

/** `count` notifications for a table, the earliest announcing a change at `changedAt`. */
export async function recordNotifications(c: SqlClient, entity: string, changedAt: Date, count: number): Promise<void> {
  await c.query(
    `INSERT INTO push_state (name, pending_since, notifications, last_notification_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (name) DO UPDATE SET
       pending_since = LEAST(COALESCE(push_state.pending_since, EXCLUDED.pending_since), EXCLUDED.pending_since),
       notifications = push_state.notifications + EXCLUDED.notifications,
       last_notification_at = now()`,
    [entity, changedAt, count],
  );
}

export async function recordRefused(c: SqlClient, count: number): Promise<void> {
  await c.query(
    `INSERT INTO push_state (name, notifications, last_notification_at) VALUES ($1, $2, now())
     ON CONFLICT (name) DO UPDATE SET notifications = push_state.notifications + EXCLUDED.notifications,
       last_notification_at = now()`,
    [REFUSED, count],
  );
}

/** One SELECT on a table of a few rows: the runner asks it every half second. */
export async function hasPendingPush(c: SqlClient): Promise<boolean> {
  const r = await c.query('SELECT 1 FROM push_state WHERE pending_since IS NOT NULL LIMIT 1');
  return r.rows.length > 0;
}

/** Takes every waiting trigger at once; notifications arriving after this make a new claim. */
export async function claimPush(c: SqlClient): Promise<PushClaim[]> {
  const r = await c.query<{ name: string; since: Date | string }>(
    `UPDATE push_state p SET pending_since = NULL
       FROM (SELECT name, pending_since FROM push_state WHERE pending_since IS NOT NULL FOR UPDATE) o
      WHERE p.name = o.name
      RETURNING p.name, o.pending_since AS since`,
  );
  return r.rows.map((row) => ({ entity: row.name, since: new Date(row.since) }));
}

export async function recordVisible(c: SqlClient, entity: string, ms: number, at: Date): Promise<void> {
  await c.query('UPDATE push_state SET last_visible_ms = $2, last_visible_at = $3 WHERE name = $1', [
    entity,
    Math.max(0, Math.round(ms)),
    at,
  ]);
}

export async function pushFigures(c: SqlClient): Promise<PushFigures[]> {
  const r = await c.query<{
    name: string;
    pending_since: Date | string | null;
    notifications: string | number;
    last_notification_at: Date | string | null;
    last_visible_ms: number | null;
    last_visible_at: Date | string | null;
  }>('SELECT * FROM push_state ORDER BY name');
  const date = (d: Date | string | null) => (d === null ? null : new Date(d));
  return r.rows.map((row) => ({
    name: row.name,
    pendingSince: date(row.pending_since),
    notifications: Number(row.notifications),
    lastNotificationAt: date(row.last_notification_at),
    lastVisibleMs: row.last_visible_ms,
    lastVisibleAt: date(row.last_visible_at),
  }));
}
