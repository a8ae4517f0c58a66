/** Sync errors: search (newest first, paged with an opaque cursor) and the same filter as a CSV download. */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SYNC_ENTITIES } from '../../domain/index.js';
import type { Db } from '../../store/db/types.js';
import { searchSyncErrors, syncErrorsCsv } from '../../store/sync-errors.js';
import { decodeCursor, encodeCursor, pageLimit, parseInput, searchText } from './input.js';

const Filter = z.object({
  q: searchText,
  entity: z
    .enum(SYNC_ENTITIES)
    .optional()
    .or(z.literal('').transform(() => undefined)),
});

const SearchQuery = Filter.extend({ limit: pageLimit(50, 500), cursor: z.string().max(200).optional() });

export function registerSyncErrorRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/sync-errors', async (request) => {
    const q = parseInput(SearchQuery, request.query, 'query');
    const beforeId = decodeCursor(q.cursor, 'beforeId');
    const page = await searchSyncErrors(db, { text: q.q, entity: q.entity, limit: q.limit, beforeId });
    const last = page.items.at(-1);
    return {
      items: page.items.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() })),
      total: page.total,
      nextCursor: last && page.items.length === q.limit ? encodeCursor({ beforeId: last.id }) : null,
    };
  });

  app.get('/api/sync-errors.csv', async (request, reply) => {
    const q = parseInput(Filter, request.query, 'query');
    const day = new Date().toISOString().slice(0, 10);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="dynasync-sync-errors-${day}.csv"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(syncErrorsCsv(db, { text: q.q, entity: q.entity })));
  });
}
