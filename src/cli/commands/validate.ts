import type { Command } from 'commander';
import { getSelection } from '../../store/fields-repo.js';
import { setDynamicsUserId } from '../../store/connection-repo.js';
import { openSession } from '../../sync/session.js';
import { validateConnection, type ValidationReport } from '../../sync/validate.js';
import { print, type CliContext } from '../context.js';

export function registerValidate(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description('check the connection: each item passes or fails with a hint (exit status 1 on any failure)')
    .option('--json', 'print the report as JSON')
    .action(async (o: { json?: boolean }) => {
      const report = await ctx.withStore(async (db) => {
        const session = await openSession(db, ctx.secretBox(), ctx.logger, ctx.config.pageSize);
        const selection = await getSelection(db);
        const r = await validateConnection(session.source, session.connection, selection);
        if (r.userId) await setDynamicsUserId(db, r.userId);
        return r;
      });
      if (o.json) print(ctx, JSON.stringify(report, null, 2));
      else printReport(ctx, report);
      if (!report.ok) process.exitCode = 1;
    });
}

export function printReport(ctx: CliContext, report: ValidationReport): void {
  const mark = { pass: '✓', fail: '✗', skipped: '-' } as const;
  for (const item of report.items) {
    print(ctx, `${mark[item.status]} ${item.label}${item.detail ? ` — ${item.detail}` : ''}`);
    if (item.hint) print(ctx, `    hint: ${item.hint}`);
  }
  print(ctx, report.ok ? 'All checks passed.' : 'Some checks failed.');
}
