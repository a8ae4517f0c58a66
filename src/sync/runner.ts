/**
 * The forever loop: a cycle, then a wait, then the next cycle, all day. "Sync now" cuts the wait
 * short; stopping (SIGTERM) lets the current page commit, then ends the loop. Two runners never sync
 * one database at once: the caller passes a lock that is held for the runner's whole life.
 *
 * Nothing that goes wrong in one attempt ends the loop: a cycle that throws, the database going
 * away, Dynamics refusing the sign-in. Each failure is logged, kept in `health` (and in the
 * schedule setting, for status in other processes, once the database takes writes again), and
 * waited out with capped exponential backoff (runner-health.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../config/index.js';
import { FatalError, type SyncEntity } from '../domain/index.js';
import type { PushClaim } from '../store/push-state.js';
import { failInterruptedRuns } from '../store/runs.js';
import { isDatabaseUnavailable } from '../store/errors.js';
import { runCycle, type CycleDeps, type CycleResult } from './cycle.js';
import { recordFailedCycle } from './failed-cycle.js';
import {
  describeFailure,
  failed,
  HEALTHY,
  nextWaitMs,
  succeeded,
  type RunnerFailure,
  type RunnerHealth,
} from './runner-health.js';
import { signInFailure } from './sign-in.js';
import { saveSchedule } from './state.js';
import { pushTables } from './push-trigger.js';

type Trigger = 'schedule' | 'manual' | 'push';

/** What a cycle talks to Dynamics with, when the caller re-reads it before every cycle. */
export type CycleSource = Pick<CycleDeps, 'source' | 'userId'>;

export interface RunnerOptions {
  readonly intervalMs: number;
  /** Called after each cycle (metrics, UI). */
  readonly onCycle?: (r: CycleResult) => void;
  /**
   * Runs before every cycle: takes the runner lock again if it was lost, re-reads the stored
   * connection. What it returns replaces `source` and `userId` for that cycle.
   */
  readonly prepare?: () => Promise<CycleSource | void>;
  /** A cycle's sign-in was refused: sign in afresh before the next one. */
  readonly onSignInRefused?: () => void;
  /** Longest wait after failures in a row (default 15 minutes, never below the interval). */
  readonly maxBackoffMs?: number;
  /** Push notifications (push-trigger.ts): which tables to read now, and what to do after the read. */
  readonly push?: PushHooks;
}

export interface PushHooks {
  /** Takes the waiting triggers; an empty list means another claim already took them. */
  claim(): Promise<readonly PushClaim[]>;
  settled(claims: readonly PushClaim[], result: CycleResult): Promise<void>;
}

export class SyncRunner {
  readonly #stop = new AbortController();
  #wake: AbortController | null = null;
  #pendingNow = false;
  #pendingPush = false;
  #nextCycleAt: Date | null = null;
  #running: Promise<void> | null = null;
  #health: RunnerHealth = HEALTHY;
  /** Why the previous cycle threw: its run may still say 'running' if the database was away. */
  #unfinished: string | null = null;

  constructor(
    /** `source` and `userId` may be left out when `prepare` gives them. */
    private readonly deps: Omit<CycleDeps, 'signal' | 'source' | 'userId'> & Partial<CycleSource>,
    private readonly options: RunnerOptions,
    private readonly logger: Logger,
  ) {}

  get nextCycleAt(): Date | null {
    return this.#nextCycleAt;
  }

  get health(): RunnerHealth {
    return this.#health;
  }

  /** Starts the loop; resolves when it has stopped. */
  start(): Promise<void> {
    this.#running ??= this.loop();
    return this.#running;
  }

  /** Cuts the current wait short (or runs again right after the current cycle). */
  syncNow(): void {
    this.#pendingNow = true;
    this.#wake?.abort();
  }

  /**
   * A push notification was recorded: cut the wait short for a read of the notified tables only
   * (several notifications before the read make one read). The scheduled cycle keeps its time.
   */
  pushNow(): void {
    this.#pendingPush = true;
    this.#wake?.abort();
  }

  /** Finishes the current page, then stops. */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.#wake?.abort();
    await this.#running;
  }

  private async loop(): Promise<void> {
    const signal = this.#stop.signal;
    let trigger: Trigger = 'schedule';
    let dueAt = 0;
    while (!signal.aborted) {
      this.#nextCycleAt = null;
      if (trigger === 'push') await this.pushAttempt(signal);
      else {
        this.#pendingNow = false;
        await this.attempt(trigger, signal);
        dueAt = Date.now() + nextWaitMs(this.#health, this.options.intervalMs, this.options.maxBackoffMs);
      }
      if (signal.aborted) break;
      // A pushed read does not move the next full cycle: polling stays the backstop for every table.
      trigger = await this.wait(signal, Math.max(0, dueAt - Date.now()));
    }
    this.#nextCycleAt = null;
    await saveSchedule(this.deps.db, null, this.#health).catch(() => undefined);
  }

  /** Reads the tables push notifications named; never throws. */
  private async pushAttempt(signal: AbortSignal): Promise<void> {
    this.#pendingPush = false;
    const push = this.options.push;
    if (!push) return;
    let claims: readonly PushClaim[];
    try {
      claims = await push.claim();
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'cannot claim push triggers');
      return;
    }
    if (claims.length === 0) return;
    const result = await this.attempt('push', signal, pushTables(claims));
    if (result) await push.settled(claims, result).catch(() => undefined);
  }

  /** One cycle and everything around it; never throws. */
  private async attempt(
    trigger: Trigger,
    signal: AbortSignal,
    only?: readonly SyncEntity[],
  ): Promise<CycleResult | null> {
    let failure: RunnerFailure | null = null;
    let cycle: CycleResult | null = null;
    try {
      if (this.#unfinished) {
        await failInterruptedRuns(this.deps.db, `failed: ${this.#unfinished}`);
        this.#unfinished = null;
      }
      const source = await this.prepare(trigger);
      if (!source) return null; // recorded as a failed cycle by prepare
      const result = await runCycle({ ...this.deps, ...source, signal }, trigger, only);
      cycle = result;
      this.options.onCycle?.(result);
      failure = this.failureOf(result);
    } catch (err) {
      failure = describeFailure(err);
      this.#unfinished = `${failure.code}: ${failure.message}`;
      this.logger.error({ code: failure.code, err: failure.message }, 'sync cycle failed; the runner goes on');
    }
    this.settle(failure);
    return cycle;
  }

  /**
   * The caller's preparation; a failure other than the database's (sign-in refused, lock taken) is
   * recorded as a failed cycle of every table, and null is returned.
   */
  private async prepare(trigger: Trigger): Promise<CycleSource | null> {
    const given = (): CycleSource => {
      const { source, userId } = this.deps;
      if (!source || userId === undefined)
        throw new FatalError('runner_without_source', 'The runner was given neither a source nor a prepare step');
      return { source, userId };
    };
    const prepare = this.options.prepare;
    if (!prepare) return given();
    try {
      return (await prepare()) ?? given();
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw err;
      const failure = describeFailure(err);
      this.logger.error(
        { code: failure.code, reason: failure.reason, err: failure.message },
        'cannot start the sync cycle; the runner tries again',
      );
      this.settle(failure);
      await recordFailedCycle(this.deps.db, trigger, failure).catch((e: unknown) => {
        this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'cannot record the failed cycle');
      });
      return null;
    }
  }

  /** A cycle that ran but synced no table is a failure too (Dynamics down, sign-in refused). */
  private failureOf(result: CycleResult): RunnerFailure | null {
    const errors = result.tables.map((t) => t.error).filter((e) => e !== undefined);
    const refused = errors.map((e) => signInFailure(e.code, e.message)).find((e) => e !== null);
    if (refused) this.options.onSignInRefused?.();
    if (result.status !== 'failed' || errors.length === 0) return null;
    return refused ? describeFailure(refused) : { ...errors[0]!, at: new Date().toISOString() };
  }

  private settle(failure: RunnerFailure | null): void {
    this.#health = failure ? failed(this.#health, failure) : succeeded(this.#health);
  }

  private async wait(signal: AbortSignal, ms: number): Promise<Trigger> {
    if (this.#pendingNow) return 'manual';
    if (this.#pendingPush) return 'push';
    if (ms <= 0) return 'schedule';
    this.#nextCycleAt = new Date(Date.now() + ms);
    try {
      await saveSchedule(this.deps.db, this.#nextCycleAt, this.#health);
    } catch (err) {
      // The database may be away: the countdown is published again at the next wait.
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'cannot save the schedule');
    }
    this.#wake = new AbortController();
    // A sync-now or push that arrived while the schedule was being saved found no wait to cut.
    if (this.#pendingNow || this.#pendingPush) this.#wake.abort();
    const both = AbortSignal.any([signal, this.#wake.signal]);
    try {
      await sleep(ms, undefined, { signal: both });
      return 'schedule';
    } catch {
      return !this.#pendingNow && this.#pendingPush ? 'push' : 'manual';
    } finally {
      this.#wake = null;
    }
  }
}
