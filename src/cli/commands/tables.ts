/**
 * `dynasync tables`: the custom tables of Dynamics, which can sync and why not; `--enable` /
 * `--disable` one (between cycles only), `--columns` to list or choose an enabled table's columns.
 */
import type { Command } from 'commander';
import { InvalidInputError } from '../../domain/index.js';
import {
  disableCustomTable,
  enableCustomTable,
  listCustomColumns,
  listCustomTables,
  saveCustomColumns,
  type CustomTableRow,
} from '../../sync/custom-tables.js';
import type { FieldRow } from '../../sync/fields.js';
import { openSession } from '../../sync/session.js';
import { parseList, print, type CliContext } from '../context.js';

interface TablesOptions {
  enable?: string;
  disable?: string;
  columns?: string;
  add?: string;
  remove?: string;
  json?: boolean;
}

export function registerTables(program: Command, ctx: CliContext): void {
  program
    .command('tables')
    .description('list the custom tables of Dynamics and enable or disable their sync (between cycles only)')
    .option('--enable <table>', 'enable a custom table (its readable custom columns, or --add)')
    .option('--disable <table>', 'stop syncing a custom table (its records are kept)')
    .option('--columns <table>', 'list the columns of an enabled table (change them with --add / --remove)')
    .option('--add <columns>', 'with --enable or --columns: select these columns (comma-separated)')
    .option('--remove <columns>', 'with --columns: deselect these columns')
    .option('--json', 'print JSON')
    .action(async (o: TablesOptions) => {
      const actions = [o.enable, o.disable, o.columns].filter(Boolean).length;
      if (actions > 1) throw new InvalidInputError('one_action', 'use one of --enable, --disable, --columns');
      if ((o.add || o.remove) && !o.enable && !o.columns)
        throw new InvalidInputError('table_required', '--add and --remove need --enable or --columns');
      const out = await ctx.withStore(async (db) => {
        if (o.disable) {
          await disableCustomTable(db, o.disable);
          return { disabled: o.disable };
        }
        if (o.columns && !o.add && !o.remove)
          return { table: o.columns, fields: await listCustomColumns(db, o.columns) };
        const s = await openSession(db, ctx.secretBox(), ctx.logger, ctx.config.pageSize);
        const userId = await s.userId();
        if (o.enable)
          return {
            enabled: o.enable,
            fields: await enableCustomTable(db, s.source, userId, o.enable, parseList(o.add)),
          };
        if (o.columns) {
          const change = { add: parseList(o.add), remove: parseList(o.remove) };
          return { table: o.columns, fields: await saveCustomColumns(db, s.source, userId, o.columns, change) };
        }
        return { tables: await listCustomTables(db, s.source, userId) };
      });
      if (o.json) return print(ctx, JSON.stringify(out, null, 2));
      if ('disabled' in out) return print(ctx, `${out.disabled}: sync disabled (its records are kept)`);
      if ('tables' in out && out.tables) return printTables(ctx, out.tables);
      if ('enabled' in out) print(ctx, `${out.enabled}: enabled; the next cycle reads it in full (only this table)`);
      if ('fields' in out && out.fields) printColumns(ctx, out.fields);
    });
}

function printTables(ctx: CliContext, tables: readonly CustomTableRow[]): void {
  if (tables.length === 0) return print(ctx, 'Dynamics has no custom tables.');
  for (const t of tables) {
    const state = t.enabled ? 'enabled ' : t.eligible ? 'eligible' : 'no      ';
    print(ctx, `  ${state}  ${t.name.padEnd(34)} ${t.displayName}${t.depth ? `   (level ${t.depth})` : ''}`);
    for (const l of t.links) print(ctx, `              link: ${l}`);
    for (const r of t.reasons) print(ctx, `              why not: ${r}`);
  }
}

function printColumns(ctx: CliContext, fields: readonly FieldRow[]): void {
  for (const f of fields) {
    const state = f.availability === 'readable' ? '' : `   (${f.availability.replaceAll('_', ' ')})`;
    print(ctx, `  ${f.selected ? '*' : ' '} ${f.logicalName.padEnd(34)} ${f.type.padEnd(16)}${state}`);
  }
}
