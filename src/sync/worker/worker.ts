/**
 * `dynasync worker`: takes per-organization cycle jobs from pg-boss (one queue, policy `stately`,
 * singletonKey = the organization: at most one job waiting and one running per organization), runs
 * each with runOrgCycle, and queues the organization's next cycle at its own interval. Any number of
 * workers share one DATABASE_URL. A job's lease is pg-boss's expireInSeconds: a worker killed with
 * kill -9 leaves its job active until then, and pg-boss's supervision retries it on another worker
 * (the runner lock died with the process, so that worker may take the organization). SIGTERM aborts
 * the cycles after their page, queues each organization again for now (hands them back) and stops.
 */
import { hostname } from 'node:os';
import PgBoss from 'pg-boss';
import type { Logger } from '../../config/index.js';
import { openDb } from '../../store/db/index.js';
import {
  BOSS_SCHEMA,
  CYCLE_QUEUE,
  ensureRegistry,
  findOrg,
  openFleetDb,
  recordJobEnd,
  recordJobStart,
  takeUnscheduled,
  type FleetDb,
} from '../../store/fleet/index.js';
import type { SecretBox } from '../../store/secrets.js';
import { runOrgCycle, type OrgCycleOutcome } from './org-cycle.js';
import { OrgPools, type OrgPoolStats } from './org-pools.js';

export interface WorkerOptions {
  readonly databaseUrl: string;
  readonly secretBox: SecretBox;
  readonly logger: Logger;
  readonly pageSize: number;
  /** The interval given to organizations registered without one (the registry's default). */
  readonly defaultIntervalSeconds: number;
  /** Organizations this worker syncs at once. */
  readonly concurrency: number;
  /** A job's lease: how long after a worker vanished its job is taken over. */
  readonly leaseSeconds: number;
  readonly pollSeconds: number;
  /** How often a worker looks for organizations without a job (one worker at a time does it). */
  readonly scheduleSeconds: number;
  /** pg-boss supervision (expiring leases), in seconds. */
  readonly maintenanceSeconds: number;
  /** Connections of each organization's pool while its job runs. */
  readonly connectionsPerOrg?: number;
  /** Organizations' pools kept open between their jobs (LRU; 0: open and close one per job). */
  readonly maxOpenOrgs?: number;
  /** An organization's pool unused this long is closed (seconds). */
  readonly idleCloseSeconds?: number;
  readonly name?: string;
}

export interface CycleJob {
  readonly org: string;
  readonly trigger?: 'schedule' | 'manual' | 'push';
}

export interface JobDone {
  readonly org: string;
  readonly outcome: OrgCycleOutcome;
  readonly latenessMs: number;
  /** Time to have the organization's Db ready (a pool opened and migrations checked, or reused). */
  readonly openMs: number;
  /** The whole job, from taking it to queueing the next one. */
  readonly jobMs: number;
}

/** pg-boss's Db port over one of our transactions (the scheduler inserts under its lock). */
const bossDb = (tx: { query(t: string, p?: readonly unknown[]): Promise<{ rows: unknown[] }> }): PgBoss.Db => ({
  executeSql: async (text, values) => ({ rows: (await tx.query(text, values)).rows }),
});

export class FleetWorker {
  readonly name: string;
  readonly #stop = new AbortController();
  #boss: PgBoss | null = null;
  #fleet: FleetDb | null = null;
  #timer: NodeJS.Timeout | null = null;
  #active = 0;
  readonly #pools: OrgPools;
  /** Called after each job (the CLI prints it, the bench counts it). */
  onJob: ((d: JobDone) => void) | null = null;

  constructor(private readonly o: WorkerOptions) {
    this.name = o.name ?? `${hostname()}:${process.pid}`;
    this.#pools = new OrgPools({
      maxOpen: o.maxOpenOrgs ?? 50,
      idleCloseMs: (o.idleCloseSeconds ?? 300) * 1000,
      open: (name) => this.openOrg(name),
    });
  }

  /** The organization pools' cache (open, hits, misses, closed). */
  get pools(): OrgPoolStats {
    return this.#pools.stats();
  }

  private async openOrg(name: string) {
    const org = await findOrg(this.#fleet!, name);
    return openDb({
      databaseUrl: this.o.databaseUrl,
      logger: this.o.logger.child({ org: name }),
      ...(org && org.schema !== 'public' ? { schema: org.schema } : {}),
      maxConnections: this.o.connectionsPerOrg ?? 3,
      // Kept pools hold no connection between jobs of an idle organization: many pools, few connections.
      idleTimeoutMs: 2000,
    });
  }

  get activeJobs(): number {
    return this.#active;
  }

  private jobOptions() {
    return { expireInSeconds: this.o.leaseSeconds, retryLimit: 1_000_000, retryDelay: 1 };
  }

  async start(): Promise<void> {
    const boss = new PgBoss({
      connectionString: this.o.databaseUrl,
      schema: BOSS_SCHEMA,
      application_name: 'dynasync-worker',
      max: 3,
      schedule: false,
      maintenanceIntervalSeconds: this.o.maintenanceSeconds,
      monitorStateIntervalSeconds: Math.max(this.o.maintenanceSeconds, 10),
    });
    boss.on('error', (err) => this.o.logger.warn({ err: err.message }, 'pg-boss reported an error'));
    this.#boss = boss;
    this.#fleet = openFleetDb(this.o.databaseUrl, this.o.logger);
    await boss.start();
    await ensureRegistry(this.#fleet, this.o.defaultIntervalSeconds);
    await boss.createQueue(CYCLE_QUEUE, {
      name: CYCLE_QUEUE,
      policy: 'stately',
      expireInSeconds: this.o.leaseSeconds,
      retryLimit: 1_000_000,
      retryDelay: 1,
    });
    for (let i = 0; i < this.o.concurrency; i++) {
      await boss.work<CycleJob>(
        CYCLE_QUEUE,
        { pollingIntervalSeconds: this.o.pollSeconds, batchSize: 1, includeMetadata: true },
        async ([job]) => {
          if (job) await this.handle(job.data, job.startAfter);
        },
      );
    }
    await this.schedule();
    this.#timer = setInterval(() => void this.schedule(), this.o.scheduleSeconds * 1000);
  }

  /** Gives every organization without a job its next one (at its due time): no job is ever lost. */
  async schedule(): Promise<number> {
    const boss = this.#boss;
    const fleet = this.#fleet;
    if (!boss || !fleet || this.#stop.signal.aborted) return 0;
    try {
      return await takeUnscheduled(fleet, (tx, orgs) =>
        // Through the scheduler's transaction, under its lock (pg-boss inserts ON CONFLICT DO NOTHING).
        boss.insert(
          orgs.map((x) => ({
            name: CYCLE_QUEUE,
            data: { org: x.name },
            ...this.jobOptions(),
            singletonKey: x.name,
            startAfter: x.dueAt,
          })),
          { db: bossDb(tx) },
        ),
      );
    } catch (err) {
      this.o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'cannot schedule the fleet');
      return 0;
    }
  }

  /** Runs one organization's cycle and queues its next one; throws only when the database fails. */
  private async handle(data: CycleJob, dueAt: Date): Promise<void> {
    const fleet = this.#fleet!;
    const taken = performance.now();
    const org = await findOrg(fleet, data.org);
    if (!org) return void (await this.#pools.forget(data.org)); // removed: its jobs end here
    this.#active++;
    const startedAt = new Date();
    const latenessMs = Math.max(0, startedAt.getTime() - dueAt.getTime());
    const logger = this.o.logger.child({ org: org.name });
    try {
      await recordJobStart(fleet, { org: org.name, worker: this.name, dueAt, startedAt });
      let openMs = 0;
      const opening = performance.now();
      const outcome: OrgCycleOutcome = await this.#pools.use(org.name, (db) => {
        openMs = performance.now() - opening;
        return runOrgCycle({
          db,
          databaseUrl: this.o.databaseUrl,
          secretBox: this.o.secretBox,
          logger,
          pageSize: this.o.pageSize,
          trigger: data.trigger ?? 'schedule',
          signal: this.#stop.signal,
        });
      });
      // Stopped mid-cycle: handed back for now, so another worker resumes after the committed page.
      const nextDueAt = new Date(Date.now() + (outcome.status === 'cancelled' ? 0 : org.intervalSeconds * 1000));
      await this.#boss!.send(
        CYCLE_QUEUE,
        { org: org.name },
        { ...this.jobOptions(), singletonKey: org.name, startAfter: nextDueAt },
      );
      await recordJobEnd(fleet, {
        org: org.name,
        status: outcome.status,
        error: outcome.error,
        throttledMs: outcome.throttledMs,
        nextDueAt,
      });
      if (outcome.status === 'failed') logger.warn({ err: outcome.error }, 'organization cycle failed');
      this.onJob?.({ org: org.name, outcome, latenessMs, openMs, jobMs: performance.now() - taken });
    } finally {
      this.#active--;
    }
  }

  /** Finishes the pages being stored, hands the organizations back, stops taking jobs. */
  async stop(timeoutMs = 60_000): Promise<void> {
    this.#stop.abort();
    if (this.#timer) clearInterval(this.#timer);
    await this.#boss?.stop({ graceful: true, wait: true, timeout: timeoutMs }).catch((err: unknown) => {
      this.o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'pg-boss did not stop cleanly');
    });
    await this.#pools.closeAll();
    await this.#fleet?.close();
  }
}
