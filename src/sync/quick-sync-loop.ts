/**
 * Quick syncs while `run` is up: a cheap poll of the queue (one indexed SELECT) every `pollMs`,
 * and, when something is queued, its pages through the live session — beside the cycles, so a
 * table's delta read goes on while a new field fills. Only the process holding the runner lock
 * runs it; a second process advancing the same quick sync would fail its version check anyway.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../config/index.js';
import type { Db } from '../store/db/types.js';
import { nextQuickSync } from '../store/quick-sync.js';
import type { SourceReader } from './ports.js';
import { runQuickSyncs } from './quick-sync.js';

export interface QuickSyncLoop {
  stop(): Promise<void>;
}

export function startQuickSyncLoop(deps: {
  db: Db;
  logger: Logger;
  source: () => Promise<SourceReader>;
  pollMs?: number;
}): QuickSyncLoop {
  const stop = new AbortController();
  const pollMs = deps.pollMs ?? 2000;
  const loop = (async () => {
    while (!stop.signal.aborted) {
      try {
        if (await nextQuickSync(deps.db)) {
          const source = await deps.source();
          await runQuickSyncs({ db: deps.db, source, logger: deps.logger, signal: stop.signal });
        }
      } catch (err) {
        // The database or the sign-in is away: the runner reports it; try again after the pause.
        deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'quick sync waits');
      }
      await sleep(pollMs, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  })();
  return {
    stop: async () => {
      stop.abort();
      await loop;
    },
  };
}
