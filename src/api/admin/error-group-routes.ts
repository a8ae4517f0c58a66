/**
 * Sync errors grouped by kind, for the Sync errors page: the open groups with a count, a category
 * and the next step; the records of a group (name, links to the person and, for a real
 * organization, to the record in Dynamics); retry a group's refused writes; resolve an error or a
 * group (hidden until it happens again).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isSyncEntity, NotFoundError, SYNC_ENTITIES } from '../../domain/index.js';
import type { Db } from '../../store/db/types.js';
import {
  listErrorGroups,
  listGroupRecords,
  resolveErrors,
  rereadGroupIds,
  retryErrorGroup,
  storedOrgUrl,
  type ErrorGroupKey,
} from '../../store/sync-error-groups.js';
import { dynamicsRecordUrl, errorKind } from '../../sync/error-kinds.js';
import type { DynamicsAccess } from './dynamics.js';
import { decodeCursor, encodeCursor, pageLimit, parseInput, positiveId } from './input.js';
import { rereadThrough } from './sync-error-retry-routes.js';

const text = z.string().max(200);
const GroupKey = z.object({
  entity: text,
  direction: z.enum(['from_dynamics', 'to_dynamics']),
  operation: text,
  code: text,
  column: text.default(''),
});
const GroupsQuery = z.object({
  entity: z
    .enum(SYNC_ENTITIES)
    .optional()
    .or(z.literal('').transform(() => undefined)),
});
const RecordsQuery = GroupKey.extend({ limit: pageLimit(50, 200), cursor: z.string().max(200).optional() });
const IdParams = z.object({ id: positiveId });

const keyOf = (k: ErrorGroupKey): ErrorGroupKey => ({
  entity: k.entity,
  direction: k.direction,
  operation: k.operation,
  code: k.code,
  column: k.column,
});

export function registerErrorGroupRoutes(app: FastifyInstance, db: Db, dynamics: DynamicsAccess): void {
  app.get('/api/sync-errors/groups', async (request) => {
    const q = parseInput(GroupsQuery, request.query, 'query');
    const groups = await listErrorGroups(db, { entity: q.entity });
    return {
      groups: groups.map((g) => ({
        ...g,
        key: keyOf(g),
        ...errorKind(g.code, g.direction),
        firstAt: g.firstAt.toISOString(),
        lastAt: g.lastAt.toISOString(),
      })),
    };
  });

  app.get('/api/sync-errors/groups/records', async (request) => {
    const q = parseInput(RecordsQuery, request.query, 'query');
    const key = keyOf(q);
    const [records, orgUrl] = await Promise.all([
      listGroupRecords(db, key, { limit: q.limit, beforeId: decodeCursor(q.cursor, 'beforeId') }),
      storedOrgUrl(db),
    ]);
    const last = records.at(-1);
    return {
      records: records.map((r) => ({
        ...r,
        firstAt: r.firstAt.toISOString(),
        lastAt: r.lastAt.toISOString(),
        personHref: r.personId === null ? null : `/people/${r.personId}`,
        dynamicsHref: dynamicsRecordUrl(orgUrl, key.entity, r.recordId),
      })),
      nextCursor: last && records.length === q.limit ? encodeCursor({ beforeId: last.id }) : null,
    };
  });

  app.post('/api/sync-errors/groups/retry', async (request) => {
    const key = keyOf(parseInput(GroupKey, request.body, 'group'));
    if (key.direction === 'from_dynamics') {
      // Read from Dynamics: the group's records are read again by id (at most 500 per retry).
      const ids = isSyncEntity(key.entity) ? await rereadGroupIds(db, key) : [];
      if (ids.length === 0 || !isSyncEntity(key.entity))
        throw new NotFoundError('no_failed_write', 'No error of this group has a record to read again');
      const reread = await rereadThrough(db, dynamics, key.entity, ids);
      return { errors: ids.length, writes: 0, reread };
    }
    const done = await db.transaction((tx) => retryErrorGroup(tx, key));
    if (done.errors === 0)
      throw new NotFoundError('no_failed_write', 'No error of this group has a refused write waiting to be retried');
    return done;
  });

  app.post('/api/sync-errors/groups/resolve', async (request) => {
    const key = keyOf(parseInput(GroupKey, request.body, 'group'));
    return { resolved: await resolveErrors(db, { group: key }) };
  });

  app.post('/api/sync-errors/:id/resolve', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'sync error id');
    const resolved = await resolveErrors(db, { id });
    if (resolved === 0) throw new NotFoundError('no_open_error', `Sync error ${id} is not open`);
    return { id, resolved };
  });
}
