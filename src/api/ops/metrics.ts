/**
 * Prometheus metrics of the sync, on a registry of their own (never prom-client's global one, so
 * two servers in one process, as in tests, do not collide).
 *
 * The sync figures come from the lead database: each scrape adds the runs and sync errors recorded
 * since the previous one (a cursor per table). A fresh process starts its cursors at zero, so after
 * a restart the counters continue from the whole history instead of starting over, and a `serve`
 * process shows the figures of a runner running elsewhere. What only the live process knows (time
 * held back by Dataverse throttling, requests sent) comes from the Dataverse client of this process.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CYCLE_ORDER, ENTITY_INFO } from '../../domain/index.js';
import type { Db } from '../../store/db/types.js';
import { listCheckpoints } from '../../store/checkpoints.js';
import { finishedRunsAfter, syncErrorCountsAfter } from '../../store/metrics-queries.js';
import { storedPerTable } from '../../store/records/counts.js';
import type { PendingCounter } from '../../sync/status.js';
import type { RunnerHealth } from '../../sync/runner-health.js';
import { loadSchedule } from '../../sync/state.js';
import { loadBudget } from '../../sync/budget-report.js';
import { pushStatus } from '../../sync/push-status.js';

/** What the Dataverse throttle of this process reports (RequestStats of dataverse/session.ts). */
export interface DataverseFigures {
  readonly throttledMs: number;
}

export interface MetricsSources {
  readonly db: Db;
  /** The sync user's Dataverse throttle figures in this process; null when no connection is stored. */
  dataverse(): Promise<DataverseFigures | null>;
  /** Counts changes waiting in Dynamics; null when it cannot be asked. */
  pending(): Promise<PendingCounter | null>;
  /** The health of the runner in this process (`run`), known even while the database is not. */
  liveRunner?(): RunnerHealth | null | undefined;
}

const OPERATIONS = ['inserted', 'updated', 'deleted', 'skipped', 'unchanged'] as const;
const RUN_BATCH = 1000;

export class SyncMetrics {
  readonly registry = new Registry();
  #runCursor = 0;
  #errorCursor = 0;
  #refreshing: Promise<void> = Promise.resolve();

  readonly #records = new Counter({
    name: 'dynasync_records_synced_total',
    help: 'Records applied from Dynamics, by table and operation',
    labelNames: ['table', 'operation'],
    registers: [this.registry],
  });
  readonly #activities = new Counter({
    name: 'dynasync_activities_logged_total',
    help: 'Activities (New Lead, Change Data Value, sync errors) logged by sync cycles, by table',
    labelNames: ['table'],
    registers: [this.registry],
  });
  readonly #cycles = new Histogram({
    name: 'dynasync_cycle_duration_seconds',
    help: 'Duration of finished sync cycles, by outcome',
    labelNames: ['status'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200],
    registers: [this.registry],
  });
  readonly #errors = new Counter({
    name: 'dynasync_sync_errors_total',
    help: 'Sync errors recorded, by table and error code',
    labelNames: ['table', 'code'],
    registers: [this.registry],
  });
  readonly #throttled = new Counter({
    name: 'dynasync_dataverse_throttled_seconds_total',
    help: 'Time Dataverse requests of this process waited on service protection limits (429 pauses and the request budget)',
    registers: [this.registry],
  });
  readonly #pending = new Gauge({
    name: 'dynasync_pending_changes',
    help: 'Changes waiting in Dynamics for the next cycle, by table (absent when unknown)',
    labelNames: ['table'],
    registers: [this.registry],
  });
  readonly #failing = new Gauge({
    name: 'dynasync_runner_failing',
    help: "The runner's failures in a row, by the last one's code and reason (e.g. sign_in_failed, wrong_password); absent while it syncs",
    labelNames: ['code', 'reason'],
    registers: [this.registry],
  });
  readonly #databaseUp = new Gauge({
    name: 'dynasync_database_up',
    help: 'Whether the lead database answered this scrape (1) or not (0); the figures read from it are then left out',
    registers: [this.registry],
  });
  readonly #stored = new Gauge({
    name: 'dynasync_records_stored',
    help: 'Records in the lead database, by table',
    labelNames: ['table'],
    registers: [this.registry],
  });

  readonly #budgetUsed = new Gauge({
    name: 'dynasync_dataverse_budget_used',
    help: 'What the runner spent of its Dataverse service protection budget in the current window, by measure (requests, execution_seconds, concurrent); absent when no runner sampled it within the window',
    labelNames: ['measure'],
    registers: [this.registry],
  });
  readonly #budgetLimit = new Gauge({
    name: 'dynasync_dataverse_budget_limit',
    help: "dynasync's share of the sync user's Dataverse limits per window, by measure (DYNASYNC_DATAVERSE_SHARE)",
    labelNames: ['measure'],
    registers: [this.registry],
  });
  /** Push notifications received by any process on this database (set from push_state, not added). */
  readonly #push = new Counter({
    name: 'dynasync_push_notifications_total',
    help: 'Dataverse webhook notifications received: accepted, or refused for a wrong key',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly #visible = new Gauge({
    name: 'dynasync_push_change_to_visible_seconds',
    help: 'Change in Dynamics to visible here, for the last push-triggered read',
    registers: [this.registry],
  });

  constructor(private readonly sources: MetricsSources) {}

  /** The exposition text, brought up to date first. Scrapes at the same time refresh one after the other. */
  async render(): Promise<string> {
    const turn = this.#refreshing.then(() => this.refresh());
    this.#refreshing = turn.catch(() => undefined);
    await turn;
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * A database that does not answer is itself a figure: the scrape still succeeds, says so in
   * dynasync_database_up, and keeps what this process knows without it (the runner's health).
   */
  private async refresh(): Promise<void> {
    try {
      await this.addFinishedRuns();
      await this.addSyncErrors();
      await Promise.all([
        this.setDataverse(),
        this.setPending(),
        this.setStored(),
        this.setRunner(),
        this.setBudget(),
        this.setPush(),
      ]);
      this.#databaseUp.set(1);
    } catch {
      this.#databaseUp.set(0);
      this.#pending.reset();
      this.setFailing(this.sources.liveRunner?.());
    }
  }

  private async setPush(): Promise<void> {
    const p = await pushStatus(this.sources.db);
    this.#push.reset();
    this.#push.inc({ outcome: 'accepted' }, p.notifications);
    this.#push.inc({ outcome: 'refused' }, p.refused);
    this.#visible.reset();
    if (p.lastChangeToVisibleMs !== null) this.#visible.set(p.lastChangeToVisibleMs / 1000);
  }

  private async addFinishedRuns(): Promise<void> {
    for (;;) {
      const runs = await finishedRunsAfter(this.sources.db, this.#runCursor, RUN_BATCH);
      for (const run of runs) {
        this.#cycles.observe({ status: run.status }, run.durationSeconds);
        for (const [table, stats] of Object.entries(run.stats)) {
          for (const op of OPERATIONS) {
            const n = Number(stats[op] ?? 0);
            if (n > 0) this.#records.inc({ table, operation: op }, n);
          }
          const logged = Number(stats.activities ?? 0);
          if (logged > 0) this.#activities.inc({ table }, logged);
        }
        this.#runCursor = run.id;
      }
      if (runs.length < RUN_BATCH) return;
    }
  }

  private async addSyncErrors(): Promise<void> {
    const { counts, lastId } = await syncErrorCountsAfter(this.sources.db, this.#errorCursor);
    for (const c of counts) this.#errors.inc({ table: c.entity, code: c.code }, c.count);
    this.#errorCursor = lastId;
  }

  private async setDataverse(): Promise<void> {
    const f = await this.sources.dataverse().catch(() => null);
    if (!f) return;
    // The throttle is shared by every client of the sync user in this process, the runner's included,
    // and its figure is cumulative: set, not added.
    this.#throttled.reset();
    this.#throttled.inc(f.throttledMs / 1000);
  }

  private async setPending(): Promise<void> {
    this.#pending.reset();
    const counter = await this.sources.pending().catch(() => null);
    if (!counter) return;
    const checkpoints = await listCheckpoints(this.sources.db);
    await Promise.all(
      CYCLE_ORDER.map(async (table) => {
        const cp = checkpoints.find((c) => c.stream === table);
        if (cp?.phase !== 'delta' || !cp.link) return;
        const n = await counter.countChanges(ENTITY_INFO[table].entitySet, cp.link).catch(() => null);
        if (n !== null) this.#pending.set({ table }, n);
      }),
    );
  }

  private async setRunner(): Promise<void> {
    this.setFailing(this.sources.liveRunner?.() ?? (await loadSchedule(this.sources.db))?.runner);
  }

  private setFailing(health: RunnerHealth | null | undefined): void {
    this.#failing.reset();
    if (health?.state !== 'retrying' || !health.lastError) return;
    this.#failing.set(
      { code: health.lastError.code, reason: health.lastError.reason ?? '' },
      health.consecutiveFailures,
    );
  }

  private async setBudget(): Promise<void> {
    this.#budgetUsed.reset();
    this.#budgetLimit.reset();
    const b = await loadBudget(this.sources.db);
    if (!b?.current) return;
    const measures: [string, number, number][] = [
      ['requests', b.requests.used, b.requests.limit],
      ['execution_seconds', b.executionMs.used / 1000, b.executionMs.limit / 1000],
      ['concurrent', b.concurrent.inFlight, b.concurrent.limit],
    ];
    for (const [measure, used, limit] of measures) {
      this.#budgetUsed.set({ measure }, used);
      this.#budgetLimit.set({ measure }, limit);
    }
  }

  private async setStored(): Promise<void> {
    const stored = await storedPerTable(this.sources.db);
    for (const [table, s] of Object.entries(stored)) this.#stored.set({ table }, s.stored);
  }
}
