/**
 * The forever loop: a cycle, then a wait, then the next cycle, all day. "Sync now" cuts the wait
 * short; stopping (SIGTERM) lets the current page commit, then ends the loop. Two runners never sync
 * one database at once: the caller passes a lock that is held for the runner's whole life.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../config/index.js';
import { runCycle, type CycleDeps, type CycleResult } from './cycle.js';
import { saveSchedule } from './state.js';

export interface RunnerOptions {
  readonly intervalMs: number;
  /** Called after each cycle (metrics, UI). */
  readonly onCycle?: (r: CycleResult) => void;
}

export class SyncRunner {
  readonly #stop = new AbortController();
  #wake: AbortController | null = null;
  #pendingNow = false;
  #nextCycleAt: Date | null = null;
  #running: Promise<void> | null = null;

  constructor(
    private readonly deps: Omit<CycleDeps, 'signal'>,
    private readonly options: RunnerOptions,
    private readonly logger: Logger,
  ) {}

  get nextCycleAt(): Date | null {
    return this.#nextCycleAt;
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

  /** Finishes the current page, then stops. */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.#wake?.abort();
    await this.#running;
  }

  private async loop(): Promise<void> {
    const signal = this.#stop.signal;
    let trigger: 'schedule' | 'manual' = 'schedule';
    while (!signal.aborted) {
      this.#pendingNow = false;
      this.#nextCycleAt = null;
      try {
        const result = await runCycle({ ...this.deps, signal }, trigger);
        this.options.onCycle?.(result);
      } catch (err) {
        // A failed cycle is recorded in sync_runs; the schedule goes on.
        this.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'sync cycle failed');
      }
      if (signal.aborted) break;
      trigger = await this.wait(signal);
    }
    this.#nextCycleAt = null;
    await saveSchedule(this.deps.db, null).catch(() => undefined);
  }

  private async wait(signal: AbortSignal): Promise<'schedule' | 'manual'> {
    if (this.#pendingNow) return 'manual';
    this.#nextCycleAt = new Date(Date.now() + this.options.intervalMs);
    await saveSchedule(this.deps.db, this.#nextCycleAt);
    this.#wake = new AbortController();
    const both = AbortSignal.any([signal, this.#wake.signal]);
    try {
      await sleep(this.options.intervalMs, undefined, { signal: both });
      return 'schedule';
    } catch {
      return 'manual';
    } finally {
      this.#wake = null;
    }
  }
}
