/**
 * "Sync Person to Microsoft" from the person page: queues a marketing-only person's creation in
 * Dynamics (store/records/push.ts); the sender writes it. A person already in Dynamics (or already
 * queued) answers `skipped` with the reason: a no-op, not an error. An unknown person or sales
 * person is an error (404 / 400), so the page can say what to fix.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InvalidInputError, NotFoundError, PUSH_TARGETS } from '../../domain/index.js';
import type { Db } from '../../store/db/types.js';
import { queuePush } from '../../store/records/push.js';
import { parseInput, positiveId } from './input.js';

const IdParams = z.object({ id: positiveId });
const PushBody = z.strictObject({
  syncAs: z.enum(PUSH_TARGETS).default('lead'),
  owner: z
    .string()
    .trim()
    .max(254)
    .nullish()
    .transform((v) => v || null),
});

export function registerPushRoutes(app: FastifyInstance, db: Db): void {
  app.post('/api/people/:id/push', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'person id');
    const b = parseInput(PushBody, request.body ?? {}, 'body');
    const r = await queuePush(db, { personId: id, syncAs: b.syncAs, ownerEmail: b.owner, source: 'ui' });
    if (r.status === 'skipped' && r.code === 'person_not_found') throw new NotFoundError(r.code, r.message);
    if (r.status === 'skipped' && r.code === 'owner_not_found') throw new InvalidInputError(r.code, r.message);
    return r;
  });
}
