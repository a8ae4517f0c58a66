/**
 * `dynasync worker`: one of any number of processes sharing the organizations of DATABASE_URL
 * (sync/worker/worker.ts). PostgreSQL only: the embedded database is one process's.
 */
import type { Command } from 'commander';
import { FatalError, InvalidInputError } from '../../domain/index.js';
import { FleetWorker } from '../../sync/worker/worker.js';
import { print, type CliContext } from '../context.js';

interface WorkerFlags {
  concurrency: string;
  lease: string;
  poll: string;
  scheduleEvery: string;
  maintenance: string;
  maxOpenOrgs: string;
  idleClose: string;
}

const positive = (flag: string, raw: string, min = 1): number => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min)
    throw new InvalidInputError('invalid_option', `${flag} must be a number ≥ ${min}, got ${JSON.stringify(raw)}`);
  return n;
};

export function registerWorker(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description("sync the organizations' cycles taken from the job queue (PostgreSQL; run as many as wanted)")
    .option('--concurrency <n>', 'organizations this worker syncs at once', '2')
    .option('--lease <seconds>', 'how long after a worker vanished (kill -9) its job is taken over', '600')
    .option('--poll <seconds>', 'how often an idle worker asks for a job', '2')
    .option('--schedule-every <seconds>', 'how often organizations without a job get one', '30')
    .option(
      '--maintenance <seconds>',
      "how often expired leases are handed to other workers (pg-boss's supervision)",
      '30',
    )
    .option('--max-open-orgs <n>', "organizations' pools kept open between jobs (LRU; 0: one pool per job)", '50')
    .option('--idle-close <seconds>', "close an organization's pool unused this long", '300')
    .action(async (f: WorkerFlags) => {
      const databaseUrl = ctx.config.databaseUrl;
      if (!databaseUrl)
        throw new FatalError(
          'worker_needs_postgres',
          'dynasync worker needs PostgreSQL (set DATABASE_URL): with the embedded database (PGlite) use `dynasync run`',
        );
      const worker = new FleetWorker({
        databaseUrl,
        secretBox: ctx.secretBox(),
        logger: ctx.logger,
        pageSize: ctx.config.pageSize,
        defaultIntervalSeconds: ctx.config.intervalSeconds,
        concurrency: positive('--concurrency', f.concurrency),
        leaseSeconds: positive('--lease', f.lease),
        pollSeconds: positive('--poll', f.poll, 0.5),
        scheduleSeconds: positive('--schedule-every', f.scheduleEvery),
        maintenanceSeconds: positive('--maintenance', f.maintenance),
        maxOpenOrgs: positive('--max-open-orgs', f.maxOpenOrgs, 0),
        idleCloseSeconds: positive('--idle-close', f.idleClose),
      });
      worker.onJob = (d) =>
        print(
          ctx,
          `${d.org}: ${d.outcome.status}${d.outcome.error ? ` (${d.outcome.error})` : ''}, ${d.latenessMs} ms late, db ready in ${Math.round(d.openMs)} ms, job ${Math.round(d.jobMs)} ms`,
        );
      await worker.start();
      print(ctx, `worker ${worker.name} started`);
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      print(ctx, `worker ${worker.name} stopping: finishing the pages being stored`);
      await worker.stop();
      print(ctx, `worker ${worker.name} stopped`);
    });
}
