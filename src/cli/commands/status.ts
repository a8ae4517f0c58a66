import type { Command } from 'commander';
import { isDatabaseUnavailable } from '../../store/errors.js';
import type { Health } from '../../sync/health.js';
import { databaseDownHealth, healthOf } from '../../sync/health-facts.js';
import { countsInWords, healthLine, tableStateInWords } from '../../sync/health-words.js';
import { openSession } from '../../sync/session.js';
import { buildStatus, type SyncStatus } from '../../sync/status.js';
import { describePush } from '../../sync/push-status.js';
import { print, type CliContext } from '../context.js';
import { describeQuickSync } from './quick-sync.js';

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('the health line, then per table: last cycle, records stored, last cycle counts, pending, errors')
    .option('--json', 'print JSON')
    .option('--offline', 'do not ask Dynamics for pending changes')
    .action(async (o: { json?: boolean; offline?: boolean }) => {
      const intervalMs = ctx.config.intervalSeconds * 1000;
      let result: { status: SyncStatus | null; health: Health };
      try {
        result = await ctx.withStore(async (db) => {
          const session = o.offline
            ? null
            : await openSession(db, ctx.secretBox(), ctx.logger, ctx.config.pageSize).catch(() => null);
          const status = await buildStatus(db, session?.source ?? null);
          return { status, health: await healthOf({ db, status, intervalMs }) };
        });
      } catch (err) {
        // A database that does not answer is a health state too: say it and what to do.
        if (!isDatabaseUnavailable(err)) throw err;
        result = { status: null, health: databaseDownHealth(err, intervalMs) };
        process.exitCode = 1;
      }
      if (o.json) print(ctx, JSON.stringify({ health: result.health, ...result.status }, null, 2));
      else printStatus(ctx, result.health, result.status);
    });
}

function printStatus(ctx: CliContext, health: Health, s: SyncStatus | null): void {
  print(ctx, healthLine(health));
  if (!s) return;
  for (const t of s.tables) {
    const last = t.lastCycle ? `${t.lastCycle.status} at ${t.lastCycle.startedAt}` : 'never';
    const c = t.lastCycleCounts;
    print(
      ctx,
      `${t.table.padEnd(11)} ${tableStateInWords(t).padEnd(14)} stored ${t.stored} (${t.deletedInDynamics} deleted in Dynamics` +
        `${t.stoppedBySyncFilter ? `, ${t.stoppedBySyncFilter} stopped by the sync filter` : ''})`,
    );
    print(ctx, `    last cycle: ${last}${c ? `: ${countsInWords(c)}` : ''}`);
    const why = t.pendingError ? ` (${t.pendingError.code}: ${t.pendingError.message})` : '';
    print(ctx, `    pending changes: ${t.pendingChanges ?? `unknown${why}`}`);
    if (t.blockedReason) print(ctx, `    BLOCKED: ${t.blockedReason}`);
    if (t.lastError) print(ctx, `    last error: [${t.lastError.code}] ${t.lastError.message} (${t.lastError.at})`);
  }
  const r = s.runner;
  if (r?.state === 'retrying' && r.lastError) {
    print(
      ctx,
      `runner: FAILING (${r.consecutiveFailures} in a row) [${r.lastError.code}] ${r.lastError.message} (${r.lastError.at})`,
    );
  }
  for (const q of s.quickSyncs) print(ctx, describeQuickSync(q));
  print(ctx, `next cycle: ${s.nextCycleAt ?? 'no runner is waiting'}`);
  const b = s.dataverseBudget;
  if (b) print(ctx, `Dataverse budget: ${describeBudget(b)}`);
  print(ctx, describePush(s.push));
}

/** `this window (300 s, share 100 %): 120 of 5,700 requests, 64.2 of 1,140 s execution time, 3 in flight` */
export function describeBudget(b: NonNullable<SyncStatus['dataverseBudget']>): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const s = (ms: number) => n(Math.round(ms / 100) / 10);
  const when = b.current ? 'this window' : `last sampled ${b.sampledAt}`;
  return (
    `${when} (${Math.round(b.windowMs / 1000)} s, share ${Math.round(b.share * 100)} %): ` +
    `${n(b.requests.used)} of ${n(b.requests.limit)} requests, ` +
    `${s(b.executionMs.used)} of ${s(b.executionMs.limit)} s execution time, ${b.concurrent.inFlight} in flight`
  );
}
