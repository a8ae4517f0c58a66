/**
 * The runner's side of push: claiming the triggers recorded in `push_state` (by this process's
 * receiver or by a `serve` elsewhere on the same database), and after the read, the
 * change-to-visible time: from the change's time in Dynamics (the notification's
 * OperationCreatedOn) to the commit of the read that brought it. A poll of the table every half
 * second carries triggers across processes; a receiver in this process also wakes the runner at
 * once.
 */
import { CYCLE_ORDER, FIXED_COLUMN_TABLES, type SyncEntity } from '../domain/index.js';
import type { Logger } from '../config/index.js';
import type { Db } from '../store/db/types.js';
import { claimPush, hasPendingPush, recordVisible, type PushClaim } from '../store/push-state.js';
import type { CycleResult } from './cycle.js';
import type { PushHooks } from './runner.js';

export const PUSH_POLL_MS = 500;

export function pushHooks(db: Db): PushHooks {
  return {
    claim: () => claimPush(db),
    async settled(claims: readonly PushClaim[], result: CycleResult): Promise<void> {
      for (const c of claims) {
        const table = result.tables.find((t) => t.entity === c.entity);
        if (table?.status !== 'success') continue; // not visible yet: the next read will tell
        await recordVisible(db, c.entity, result.endedAt.getTime() - c.since.getTime(), result.endedAt);
      }
    },
  };
}

/**
 * The tables a pushed read covers: the notified ones, in cycle order, and nothing else, but for a
 * table read with its parent (connections sync in the cycle their opportunity synced in, so a
 * connection notification reads the opportunities' delta too: one request when nothing changed).
 */
export function pushTables(claims: readonly PushClaim[]): SyncEntity[] {
  const named = new Set<string>(claims.map((c) => c.entity));
  for (const c of claims) {
    const parent = FIXED_COLUMN_TABLES[c.entity as SyncEntity]?.parent;
    if (parent) named.add(parent);
  }
  return CYCLE_ORDER.filter((t) => named.has(t));
}

/** Polls for triggers other processes recorded; returns the stop function. */
export function pollPushTriggers(db: Db, logger: Logger, wake: () => void, everyMs = PUSH_POLL_MS): () => void {
  let busy = false;
  let warned = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    hasPendingPush(db)
      .then((pending) => {
        warned = false;
        if (pending) wake();
      })
      .catch((err: unknown) => {
        if (!warned)
          logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'cannot poll push triggers');
        warned = true;
      })
      .finally(() => (busy = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
