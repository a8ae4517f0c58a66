/**
 * POST /api/sync-errors/:id/retry: an admin retries a failed record.
 * - A write Dynamics refused: its outbox rows are pending again and the sender sends them within
 *   seconds while `run` is up; the error is resolved as retried in the same transaction (a write
 *   refused again is a new error).
 * - A record read from Dynamics: it is read again by id and applied as a page of the cycle would
 *   (sync/reread.ts); stored, its error is resolved; refused again, the error stays open, seen once
 *   more; not returned by Dynamics, it is listed as missing.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isSyncEntity, NotFoundError, type SyncEntity } from '../../domain/index.js';
import type { Db } from '../../store/db/types.js';
import { retryFailedWrites } from '../../store/outbox.js';
import { markRetried, rereadTarget } from '../../store/sync-error-groups.js';
import { rereadRecords, type RereadResult } from '../../sync/reread.js';
import type { DynamicsAccess } from './dynamics.js';
import { parseInput, positiveId } from './input.js';

const IdParams = z.object({ id: positiveId });

/** Re-reads these records of a table through the admin API's Dynamics session. */
export async function rereadThrough(
  db: Db,
  dynamics: DynamicsAccess,
  entity: SyncEntity,
  ids: readonly string[],
): Promise<RereadResult> {
  const session = await dynamics.session();
  return rereadRecords({ db, source: session.source, userId: await session.userId() }, entity, ids);
}

export function registerSyncErrorRetryRoutes(app: FastifyInstance, db: Db, dynamics: DynamicsAccess): void {
  app.post('/api/sync-errors/:id/retry', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'sync error id');
    const read = await rereadTarget(db, id);
    if (read && isSyncEntity(read.entity)) {
      const reread = await rereadThrough(db, dynamics, read.entity, [read.recordId]);
      return { id, requeued: 0, reread };
    }
    const requeued = await db.transaction(async (tx) => {
      const n = await retryFailedWrites(tx, id);
      if (n > 0) await markRetried(tx, id);
      return n;
    });
    if (requeued === 0)
      throw new NotFoundError(
        'no_failed_write',
        `Sync error ${id} has no refused write waiting to be retried, nor a record to read again`,
      );
    return { id, requeued };
  });
}
