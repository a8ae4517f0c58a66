/**
 * Every PostgreSQL advisory lock class of dynasync, in one place so two locks can never share a key
 * again (the second key is always hashtext(schema)). The migration lock once used the runner's
 * class: every command started next to a running runner then waited in pg_advisory_lock for as long
 * as the runner lived.
 */
export const ADVISORY_LOCK = Object.freeze({
  /** Held for a runner's whole life: one runner per lead database. */
  runner: 0x64797275, // 'dyru'
  /** Held while migrations run: seconds. */
  migration: 0x64796d67, // 'dymg'
  /** Held while the fleet registry is created (store/fleet/registry.ts): a transaction. */
  fleet: 0x6479666c, // 'dyfl'
  /** Held by the worker that schedules the fleet's jobs (store/fleet/queue-sql.ts): a transaction. */
  fleetSchedule: 0x64796673, // 'dyfs'
});
