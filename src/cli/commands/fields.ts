import type { Command } from 'commander';
import { InvalidInputError, type SyncEntity } from '../../domain/index.js';
import { FIELD_ENTITIES, listFields, saveFieldSelection, type FieldRow } from '../../sync/fields.js';
import { openSession } from '../../sync/session.js';
import { parseDateRange } from '../../sync/quick-sync-plan.js';
import { isWrittenEntity } from '../../sync/writable.js';
import { parseList, print, type CliContext } from '../context.js';

interface FieldsOptions {
  entity?: string;
  add?: string;
  remove?: string;
  defaults?: boolean;
  refresh?: boolean;
  fullRead?: boolean;
  modifiedFrom?: string;
  modifiedTo?: string;
  json?: boolean;
}

export function registerFields(program: Command, ctx: CliContext): void {
  program
    .command('fields')
    .description('list the columns of a table and choose which sync (only readable columns can be selected)')
    .option('--entity <name>', `one of ${FIELD_ENTITIES.join(', ')} (default: all)`)
    .option('--add <columns>', 'select these columns (comma-separated logical names)')
    .option('--remove <columns>', 'deselect these columns')
    .option('--defaults', 'select the default mapping (readable columns only)')
    .option('--refresh', 'only re-read the catalog from Dynamics')
    .option('--full-read', 'fill newly selected columns by reading the whole table again (default: a quick sync)')
    .option(
      '--modified-from <date>',
      "Advanced Sync: the new columns' quick sync covers records modified from this date",
    )
    .option('--modified-to <date>', 'Advanced Sync: ... and up to this date')
    .option('--json', 'print JSON')
    .action(async (o: FieldsOptions) => {
      const entities = pickEntities(o.entity);
      const changing = Boolean(o.add || o.remove || o.defaults || o.refresh);
      if ((o.add || o.remove) && entities.length !== 1) {
        throw new InvalidInputError('entity_required', '--add and --remove need --entity');
      }
      const range = parseDateRange(o.modifiedFrom, o.modifiedTo);
      const results = await ctx.withStore(async (db) => {
        const out: { entity: SyncEntity; fields: FieldRow[] }[] = [];
        const session = changing ? await openSession(db, ctx.secretBox(), ctx.logger, ctx.config.pageSize) : null;
        for (const entity of entities) {
          let fields = session ? null : await listFields(db, entity);
          if (!fields || fields.length === 0) {
            // Saving (even with no change) refreshes the stored schema from Dynamics.
            const s = session ?? (await openSession(db, ctx.secretBox(), ctx.logger, ctx.config.pageSize));
            fields = await saveFieldSelection(db, s.source, await s.userId(), {
              entity,
              add: parseList(o.add),
              remove: parseList(o.remove),
              defaults: o.defaults === true,
              refresh: o.fullRead ? 'full' : 'quick',
              range,
            });
          }
          out.push({ entity, fields });
        }
        return out;
      });
      if (o.json) return print(ctx, JSON.stringify(results, null, 2));
      for (const r of results) printFields(ctx, r.entity, r.fields);
    });
}

function pickEntities(entity: string | undefined): SyncEntity[] {
  if (!entity) return [...FIELD_ENTITIES];
  if (!FIELD_ENTITIES.includes(entity as SyncEntity)) {
    throw new InvalidInputError('unknown_entity', `--entity must be one of ${FIELD_ENTITIES.join(', ')}`);
  }
  return [entity as SyncEntity];
}

function printFields(ctx: CliContext, entity: string, fields: readonly FieldRow[]): void {
  const selected = fields.filter((f) => f.selected).length;
  print(ctx, `${entity}: ${fields.length} columns, ${selected} selected   (* selected, d default mapping)`);
  if (!isWrittenEntity(entity))
    print(
      ctx,
      `  dynasync never writes ${entity} records to Dynamics: read-only marks are shown for lead and contact fields only`,
    );
  const label = {
    readable: 'readable',
    secured_unreadable: 'secured, unreadable',
    not_valid_for_read: 'not valid for read',
  } as const;
  for (const f of fields) {
    const marks = `${f.selected ? '*' : ' '}${f.isDefault ? 'd' : ' '}`;
    const local = f.localName ? ` → ${f.localName}` : '';
    const note =
      (f.write.note ? `   (${f.write.note})` : '') + (f.quickSyncing ? '   (quick sync: filling its values)' : '');
    print(
      ctx,
      `  ${marks} ${f.logicalName.padEnd(34)} ${f.type.padEnd(16)} ${label[f.availability].padEnd(20)}${local}${note}`,
    );
  }
  print(ctx);
}
