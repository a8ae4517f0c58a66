/**
 * `dynasync quick-sync`: lists quick syncs with their progress, or queues an Advanced Sync (a
 * refresh of selected fields, optionally only for records modified in a date range).
 */
import type { Command } from 'commander';
import { InvalidInputError, type SyncEntity } from '../../domain/index.js';
import { listQuickSyncs, type QuickSync } from '../../store/quick-sync.js';
import type { QuickSyncOutcome } from '../../sync/quick-sync.js';
import { parseDateRange, requestQuickSync } from '../../sync/quick-sync-plan.js';
import { FIELD_ENTITIES } from '../../sync/fields.js';
import { parseList, print, type CliContext } from '../context.js';

interface QuickSyncOptions {
  entity?: string;
  fields?: string;
  modifiedFrom?: string;
  modifiedTo?: string;
  json?: boolean;
}

export function registerQuickSync(program: Command, ctx: CliContext): void {
  program
    .command('quick-sync')
    .description('list quick syncs and their progress, or refresh selected fields (--entity, --fields)')
    .option('--entity <name>', `the table (${FIELD_ENTITIES.join(', ')})`)
    .option('--fields <columns>', 'selected columns to refresh (comma-separated logical names)')
    .option('--modified-from <date>', 'Advanced Sync: only records modified in Dynamics on or after this date')
    .option('--modified-to <date>', 'Advanced Sync: only records modified in Dynamics on or before this date')
    .option('--json', 'print JSON')
    .action(async (o: QuickSyncOptions) => {
      const queueing = Boolean(o.fields || o.entity || o.modifiedFrom || o.modifiedTo);
      const result = await ctx.withStore(async (db) => {
        if (!queueing) return listQuickSyncs(db);
        if (!o.entity || !FIELD_ENTITIES.includes(o.entity as SyncEntity))
          throw new InvalidInputError('entity_required', `--entity must be one of ${FIELD_ENTITIES.join(', ')}`);
        const range = parseDateRange(o.modifiedFrom, o.modifiedTo);
        return [await requestQuickSync(db, o.entity as SyncEntity, parseList(o.fields), range)];
      });
      if (o.json) return print(ctx, JSON.stringify(result, null, 2));
      if (queueing) print(ctx, 'queued (it runs beside the cycles of `dynasync run`, or after `dynasync sync`):');
      if (result.length === 0) print(ctx, 'no quick sync');
      for (const q of result) print(ctx, describeQuickSync(q));
    });
}

/** One line: table, fields, state, progress, range. */
export function describeQuickSync(q: QuickSync): string {
  const total = q.rowsTotal === null ? '?' : q.rowsTotal.toLocaleString('en-US');
  const pct = q.rowsTotal ? ` (${Math.min(100, Math.round((100 * q.rowsDone) / q.rowsTotal))}%)` : '';
  const range =
    q.range.from || q.range.to
      ? `, modified ${q.range.from?.toISOString() ?? '…'} to ${q.range.to?.toISOString() ?? '…'}`
      : '';
  const error = q.error ? `: ${q.error}` : '';
  return (
    `quick sync #${q.id} ${q.entity}: ${q.fields.join(', ')}  ${q.state}  ` +
    `${q.rowsDone.toLocaleString('en-US')} / ${total} rows${pct}, ${q.rowsFilled.toLocaleString('en-US')} filled${range}${error}`
  );
}

export function printQuickSyncs(ctx: CliContext, outcomes: readonly QuickSyncOutcome[]): void {
  for (const o of outcomes) print(ctx, describeQuickSync(o.quickSync));
}
