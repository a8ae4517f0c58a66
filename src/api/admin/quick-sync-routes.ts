/**
 * Quick syncs (issue 11): the list with progress, and Advanced Sync (refresh selected fields,
 * optionally only for records modified in a date range). The runner does the work.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SyncEntity } from '../../domain/index.js';
import type { Db } from '../../store/db/types.js';
import { listQuickSyncs } from '../../store/quick-sync.js';
import { FIELD_ENTITIES } from '../../sync/fields.js';
import { parseDateRange, requestQuickSync } from '../../sync/quick-sync-plan.js';
import { parseInput } from './input.js';

const QuickSyncBody = z.strictObject({
  entity: z.enum(FIELD_ENTITIES as [string, ...string[]]),
  fields: z.array(z.string().trim().min(1).max(200)).min(1).max(500),
  modifiedFrom: z.string().max(40).optional(),
  modifiedTo: z.string().max(40).optional(),
});

export function registerQuickSyncRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/quick-syncs', async () => ({ quickSyncs: await listQuickSyncs(db) }));

  app.post('/api/quick-syncs', async (request, reply) => {
    const b = parseInput(QuickSyncBody, request.body, 'body');
    const range = parseDateRange(b.modifiedFrom, b.modifiedTo);
    const quickSync = await requestQuickSync(db, b.entity as SyncEntity, b.fields, range);
    return reply.code(202).send({ quickSync });
  });
}
