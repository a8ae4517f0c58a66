/**
 * POST /api/sync-errors/:id/retry: an admin retries a write Dynamics refused. Its outbox rows are
 * pending again and the sender sends them within seconds while `run` is up; the error is resolved
 * as retried in the same transaction (a write refused again is a new error).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../../domain/index.js';
import type { Db } from '../../store/db/types.js';
import { retryFailedWrites } from '../../store/outbox.js';
import { markRetried } from '../../store/sync-error-groups.js';
import { parseInput, positiveId } from './input.js';

const IdParams = z.object({ id: positiveId });

export function registerSyncErrorRetryRoutes(app: FastifyInstance, db: Db): void {
  app.post('/api/sync-errors/:id/retry', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'sync error id');
    const requeued = await db.transaction(async (tx) => {
      const n = await retryFailedWrites(tx, id);
      if (n > 0) await markRetried(tx, id);
      return n;
    });
    if (requeued === 0)
      throw new NotFoundError('no_failed_write', `Sync error ${id} has no refused write waiting to be retried`);
    return { id, requeued };
  });
}
