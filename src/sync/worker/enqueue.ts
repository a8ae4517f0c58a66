/**
 * Queues an organization's cycle now, from a process that is not a worker (`dynasync serve` over
 * the fleet): a Dataverse push notification received for the organization, or an admin's "sync
 * now". Through pg-boss, coalesced by the singleton key: when the organization's next job is
 * waiting for its start time it is moved to now (hurryJob); when none is waiting (its job is
 * running, or it has none) one is sent for now, and the queue's `stately` policy drops it when
 * another is already waiting. A notification arriving during a running cycle therefore gets one
 * more cycle after it, never two. Calls for one organization while one is in flight share it.
 */
import PgBoss from 'pg-boss';
import type { Logger } from '../../config/index.js';
import { BOSS_SCHEMA, CYCLE_QUEUE, hurryJob, openFleetDb, type FleetDb } from '../../store/fleet/index.js';
import type { CycleJob } from './worker.js';

export type EnqueueOutcome = 'hurried' | 'queued' | 'coalesced';

export class CycleEnqueuer {
  #boss: Promise<PgBoss> | null = null;
  readonly #fleet: FleetDb;
  readonly #inflight = new Map<string, Promise<EnqueueOutcome>>();
  /** Counts per outcome (tests, logs). */
  readonly counts: Record<EnqueueOutcome | 'failed', number> = { hurried: 0, queued: 0, coalesced: 0, failed: 0 };

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
  ) {
    this.#fleet = openFleetDb(databaseUrl, logger, 1);
  }

  /** pg-boss as a producer only: no supervision, no schedules, a pool of one. */
  private boss(): Promise<PgBoss> {
    this.#boss ??= (async () => {
      const boss = new PgBoss({
        connectionString: this.databaseUrl,
        schema: BOSS_SCHEMA,
        application_name: 'dynasync-enqueue',
        max: 1,
        supervise: false,
        schedule: false,
      });
      boss.on('error', (err) => this.logger.warn({ err: err.message }, 'pg-boss reported an error'));
      await boss.start();
      // The queue's own options (lease, retries) are the workers'; created here only when no worker ever ran.
      if (!(await boss.getQueue(CYCLE_QUEUE)))
        await boss.createQueue(CYCLE_QUEUE, {
          name: CYCLE_QUEUE,
          policy: 'stately',
          retryLimit: 1_000_000,
          retryDelay: 1,
        });
      return boss;
    })();
    this.#boss.catch(() => (this.#boss = null)); // started again at the next call
    return this.#boss;
  }

  async enqueueNow(org: string, trigger: CycleJob['trigger'] = 'manual'): Promise<EnqueueOutcome> {
    const running = this.#inflight.get(org);
    if (running) return running;
    const p = (async (): Promise<EnqueueOutcome> => {
      if (await hurryJob(this.#fleet, org, trigger)) return 'hurried';
      const boss = await this.boss();
      const id = await boss.send(CYCLE_QUEUE, { org, trigger } satisfies CycleJob, { singletonKey: org });
      return id ? 'queued' : 'coalesced';
    })();
    this.#inflight.set(org, p);
    try {
      const outcome = await p;
      this.counts[outcome]++;
      return outcome;
    } catch (err) {
      this.counts.failed++;
      throw err;
    } finally {
      this.#inflight.delete(org);
    }
  }

  /** Fire and forget (a webhook's answer does not wait): failures are logged, the next poll reads the change. */
  trigger(org: string, trigger: CycleJob['trigger'] = 'manual'): void {
    this.enqueueNow(org, trigger).catch((err: unknown) =>
      this.logger.warn(
        { org, err: err instanceof Error ? err.message : String(err) },
        'cannot queue the organization cycle; its next scheduled cycle reads the change',
      ),
    );
  }

  async close(): Promise<void> {
    const boss = await this.#boss?.catch(() => null);
    await boss?.stop({ graceful: false, wait: true }).catch(() => undefined);
    await this.#fleet.close();
  }
}
