/**
 * Field selection per table: every column with its availability (readable, secured and unreadable,
 * not valid for read), whether the default mapping has it, whether it is selected, and whether the
 * sync user may write it (`written`: false for tables dynasync never writes, whose flags are informational). Saving
 * re-reads the catalog from Dynamics (sync/fields.ts), so a column that just became unreadable is
 * refused with a 400 rather than saved.
 */
import type { FastifyInstance } from 'fastify';
import { auditNote } from './audit.js';
import { z } from 'zod';
import type { Db } from '../../store/db/types.js';
import { FIELD_ENTITIES, listFields, saveFieldSelection } from '../../sync/fields.js';
import { isWrittenEntity } from '../../sync/writable.js';
import { parseDateRange } from '../../sync/quick-sync-plan.js';
import type { DynamicsAccess } from './dynamics.js';
import { parseInput } from './input.js';

const entity = z.enum(FIELD_ENTITIES as [string, ...string[]]).transform((e) => e as (typeof FIELD_ENTITIES)[number]);
const names = z.array(z.string().trim().min(1).max(200)).max(2000);

const FieldsQuery = z.object({ entity });
const FieldsBody = z.strictObject({
  entity,
  /** The whole wanted selection (what the page sends); add/remove/defaults are applied after it. */
  selected: names.optional(),
  add: names.optional(),
  remove: names.optional(),
  defaults: z.boolean().optional(),
  /** 'quick' (default): new columns filled by a quick sync; 'full': the whole table read again. */
  refresh: z.enum(['quick', 'full']).optional(),
  /** Advanced Sync: the new columns' quick sync covers only records modified in this range. */
  modifiedFrom: z.string().max(40).optional(),
  modifiedTo: z.string().max(40).optional(),
});

export function registerFieldRoutes(
  app: FastifyInstance,
  db: Db,
  dynamics: DynamicsAccess,
  onSaved?: () => void,
): void {
  app.get('/api/fields', async (request) => {
    const q = parseInput(FieldsQuery, request.query, 'query');
    const fields = await listFields(db, q.entity);
    return {
      entity: q.entity,
      entities: FIELD_ENTITIES,
      catalogLoaded: fields.length > 0,
      written: isWrittenEntity(q.entity),
      fields,
    };
  });

  app.put('/api/fields', async (request) => {
    const b = parseInput(FieldsBody, request.body, 'body');
    const add = [...(b.add ?? [])];
    const remove = [...(b.remove ?? [])];
    if (b.selected) {
      const wanted = new Set(b.selected);
      const current = (await listFields(db, b.entity)).filter((f) => f.selected).map((f) => f.logicalName);
      add.push(...b.selected.filter((n) => !current.includes(n)));
      remove.push(...current.filter((n) => !wanted.has(n)));
    }
    const range = parseDateRange(b.modifiedFrom, b.modifiedTo);
    const session = await dynamics.session();
    const fields = await saveFieldSelection(
      db,
      session.source,
      await session.userId(),
      { entity: b.entity, add, remove, defaults: b.defaults === true, refresh: b.refresh ?? 'quick', range },
      auditNote(request, 'fields.save', b.entity, { add, remove, defaults: b.defaults === true }),
    );
    onSaved?.();
    return {
      entity: b.entity,
      entities: FIELD_ENTITIES,
      catalogLoaded: fields.length > 0,
      written: isWrittenEntity(b.entity),
      fields,
    };
  });
}
