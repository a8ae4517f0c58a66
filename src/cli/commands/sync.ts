import { startAlerter } from '../../sync/alerts/alerter.js';
import { currentAlerts } from '../../sync/alerts/settings.js';
import type { Command } from 'commander';
import { FatalError, InvalidInputError } from '../../domain/index.js';
import { acquireRunnerLock } from '../../store/runner-lock.js';
import { failInterruptedRuns } from '../../store/runs.js';
import { readRunnerFile, removeRunnerFile, runnerFilePath, writeRunnerFile } from '../runner-file.js';
import type { Db } from '../../store/db/types.js';
import { runCycle, type CycleResult } from '../../sync/cycle.js';
import { assembleForever } from '../../sync/forever.js';
import type { SyncRunner } from '../../sync/runner.js';
import { createOutboxWriter } from '../../sync/sender-loop.js';
import { drainOutbox } from '../../sync/sender.js';
import { runQuickSyncs } from '../../sync/quick-sync.js';
import { printQuickSyncs } from './quick-sync.js';
import type { PageEvent } from '../../sync/stream.js';
import { openSession } from '../../sync/session.js';
import { relievingHeap } from '../../config/index.js';
import { cycleInWords } from '../../sync/health-words.js';
import { ProgressBar } from '../progress.js';
import { print, type CliContext } from '../context.js';
import { addServerOptions, withLocalAdmin, withServer, type ServeOptions } from './serve.js';

/** Holds the runner lock and prepares the session for `sync` and `run`. */
async function prepare(ctx: CliContext, db: Db) {
  const lock = await acquireRunnerLock(ctx.config.databaseUrl, db.schema);
  try {
    await failInterruptedRuns(db); // runs a killed process left 'running'
    const session = await openSession(db, ctx.secretBox(), ctx.logger, ctx.config.pageSize);
    return { lock, session, userId: await session.userId() };
  } catch (err) {
    await lock.release();
    throw err;
  }
}

export function printCycle(ctx: CliContext, r: CycleResult): void {
  const seconds = ((r.endedAt.getTime() - r.startedAt.getTime()) / 1000).toFixed(1);
  print(ctx, `cycle ${r.runId}: ${r.status} in ${seconds} s`);
  for (const t of r.tables) {
    const counts = cycleInWords(t);
    print(
      ctx,
      `  ${t.entity.padEnd(11)} ${t.status.padEnd(9)} ${t.fullRead ? 'full read ' : 'changes   '}${counts}${t.error ? ` — ${t.error.message}` : ''}`,
    );
  }
}

export function registerSync(program: Command, ctx: CliContext): void {
  program
    .command('sync')
    .description('run one sync cycle (the first is the initial full sync)')
    .option('--once', 'one cycle, then exit (the default)')
    .action(async () => {
      await ctx.withStore(async (db) => {
        const { lock, session, userId } = await prepare(ctx, db);
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once('SIGTERM', onSignal);
        process.once('SIGINT', onSignal);
        try {
          const bar = new ProgressBar(ctx.out);
          const onPage = relievingHeap(ctx.config.heapBudgetMb ?? 0, (e: PageEvent) => bar.update(e));
          // Local changes go first: a 412 decides a collision before the delta brings the other side.
          await drainOutbox({
            db,
            writer: createOutboxWriter(session.connection, ctx.logger),
            logger: ctx.logger,
            signal: stop.signal,
          });
          const result = await runCycle(
            { db, source: session.source, logger: ctx.logger, userId, signal: stop.signal, onPage },
            'once',
          );
          bar.finish();
          printCycle(ctx, result);
          // Queued quick syncs (newly selected fields) fill after the cycle's reads.
          const quick = await runQuickSyncs({ db, source: session.source, logger: ctx.logger, signal: stop.signal });
          printQuickSyncs(ctx, quick);
          if (result.status !== 'success') process.exitCode = 1;
        } finally {
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
          await lock.release();
        }
      });
    });

  addServerOptions(
    program
      .command('run')
      .description('sync forever: a cycle, then a wait, then the next cycle; serves the API and web UI meanwhile')
      .option('--interval <seconds>', 'wait between cycles', String(ctx.config.intervalSeconds)),
    ctx,
    { optional: true },
  ).action(async (o: { interval: string } & ServeOptions) => {
    const seconds = Number(o.interval);
    if (!Number.isFinite(seconds) || seconds < 1)
      throw new InvalidInputError('invalid_interval', '--interval must be a number of seconds ≥ 1');
    const pidFile = runnerFilePath(ctx.config.dataDir);
    await ctx.withStore((db) =>
      withLocalAdmin(ctx, db, () =>
        withServer(ctx, db, o, (attach) => runForever(ctx, db, seconds * 1000, attach, pidFile)),
      ),
    );
  });

  program
    .command('sync-now')
    .description("cut the running runner's wait short")
    .action(async () => {
      const runner = readRunnerFile(runnerFilePath(ctx.config.dataDir));
      if (!runner) throw new FatalError('no_runner', 'No runner is running (start one with `dynasync run`).');
      try {
        process.kill(runner.pid, 'SIGUSR1');
      } catch {
        throw new FatalError('no_runner', `The runner (pid ${runner.pid}) is not running.`);
      }
      print(ctx, `Asked runner ${runner.pid} to sync now.`);
    });
}

/** `pidFile`: where `sync-now` finds this runner (the demo's runner is reached through its web UI). */
export async function runForever(
  ctx: CliContext,
  db: Db,
  intervalMs: number,
  onReady?: (r: SyncRunner) => void,
  pidFile?: string,
): Promise<void> {
  const bar = new ProgressBar(ctx.out);
  const forever = await assembleForever({
    db,
    databaseUrl: ctx.config.databaseUrl,
    secretBox: ctx.secretBox(),
    logger: ctx.logger,
    pageSize: ctx.config.pageSize,
    intervalMs,
    onPage: relievingHeap(ctx.config.heapBudgetMb ?? 0, (e: PageEvent) => (e.fullRead ? bar.update(e) : undefined)),
    onCycle: (r) => {
      bar.finish();
      printCycle(ctx, r);
    },
  });
  const runner = forever.runner;
  // The alerts (digest, sync stopped) run beside the cycles while `run` is up, with the settings
  // (environment over the settings page) read at each check: a change on the page needs no restart.
  const secretBox = ctx.secretBox();
  const alerter = startAlerter({
    db,
    settings: () => currentAlerts({ db, secretBox, env: ctx.config.alerts }),
    logger: ctx.logger,
    intervalMs,
    liveRunner: () => runner.health,
  });
  const stop = () => void runner.stop();
  const now = () => runner.syncNow();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGUSR1', now);
  try {
    if (pidFile) writeRunnerFile(pidFile);
  } catch (err) {
    // Only `dynasync sync-now` needs the file; the runner itself goes on without it.
    ctx.logger.warn(
      { pidFile, err: err instanceof Error ? err.message : String(err) },
      'cannot write the runner file: sync-now from the command line will not find this runner',
    );
  }
  try {
    onReady?.(runner);
    await forever.run();
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    process.off('SIGUSR1', now);
    await alerter.stop();
    if (pidFile) removeRunnerFile(pidFile);
  }
}
