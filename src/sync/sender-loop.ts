/**
 * The sender while `run` is up: a cheap poll of the outbox (one indexed `SELECT 1`) every
 * `pollMs`, a drain when something is pending, so a UI edit reaches Dynamics within seconds. The
 * runner also drains after every cycle (`sync --once` drains before its reads). Either order is
 * safe: a collision is decided by the 412 of a write or, when the delta comes first, by the read
 * applier against the pending rows. Only the process holding the runner lock runs it: one sender
 * per lead database.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../config/index.js';
import { DataverseOutboxWriter } from '../dataverse/index.js';
import type { Db } from '../store/db/types.js';
import type { StoredConnection } from '../store/connection-repo.js';
import { connectionSettings } from './session.js';
import { hasPendingWrites } from '../store/outbox.js';
import { drainOutbox, type DrainResult, type OutboxWriterPort } from './sender.js';

export function createOutboxWriter(connection: StoredConnection, logger: Logger): DataverseOutboxWriter {
  return new DataverseOutboxWriter({
    settings: connectionSettings(connection),
    logger,
  });
}

export interface SenderLoop {
  /** Drains now (the runner calls it at every cycle); concurrent calls share one drain. */
  drain(): Promise<DrainResult | null>;
  stop(): Promise<void>;
}

export function startSenderLoop(deps: {
  db: Db;
  writer: OutboxWriterPort;
  logger: Logger;
  pollMs?: number;
  batchSize?: number;
}): SenderLoop {
  const stop = new AbortController();
  let current: Promise<DrainResult | null> | null = null;
  const drain = () =>
    (current ??= drainOutbox({ ...deps, signal: stop.signal })
      .catch((err: unknown) => {
        deps.logger.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'writing to Dynamics failed; the outbox keeps the writes',
        );
        return null;
      })
      .finally(() => {
        current = null;
      }));
  const loop = (async () => {
    while (!stop.signal.aborted) {
      try {
        if (await hasPendingWrites(deps.db)) await drain();
        await sleep(deps.pollMs ?? 1000, undefined, { signal: stop.signal });
      } catch {
        if (!stop.signal.aborted) await sleep(deps.pollMs ?? 1000).catch(() => undefined);
      }
    }
  })();
  return {
    drain,
    stop: async () => {
      stop.abort();
      await loop;
      await current;
    },
  };
}
