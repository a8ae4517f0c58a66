/**
 * Dataverse service protection: per user, a sliding window of request count and combined execution
 * time, plus a cap on concurrent requests. A breach answers 429 with Retry-After computed from when
 * enough of the window has slid by for the next request to be admitted.
 */
import { DvCode } from '../../wire/index.js';
import { DataverseHttpError } from '../errors.js';
import type { ServiceProtectionLimits } from '../options.js';

interface UserWindow {
  /** Admission times, oldest first. */
  requests: number[];
  /** Completed requests: when they finished and how long they ran, oldest first. */
  executions: { at: number; ms: number }[];
  inFlight: number;
}

export interface Admission {
  /** Requests left in the window after this one. */
  readonly remainingRequests: number;
  /** Execution milliseconds left in the window. */
  readonly remainingMs: number;
  /** Call exactly once when the request is finished (or its connection is gone). */
  release(executionMs: number): void;
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

export class ServiceProtection {
  readonly #users = new Map<string, UserWindow>();
  /** Execution time used per user since the last reset of the request counts (not windowed). */
  readonly #executionTotals = new Map<string, number>();

  constructor(
    public limits: ServiceProtectionLimits,
    private readonly now: () => number,
  ) {}

  /** Admits a request for `userId` or throws the 429 Dataverse would answer. */
  admit(userId: string): Admission {
    const w = this.#window(userId);
    const now = this.now();
    this.#prune(w, now);
    const { requests, executionMs, concurrent, windowMs } = this.limits;
    const windowS = Math.round(windowMs / 1000);
    if (w.inFlight >= concurrent) {
      throw tooMany(DvCode.ConcurrencyLimit, `Number of concurrent requests exceeded the limit of ${concurrent}.`, 1);
    }
    if (w.requests.length >= requests) {
      const freeAt = w.requests[w.requests.length - requests]! + windowMs;
      throw tooMany(
        DvCode.RequestLimit,
        `Number of requests exceeded the limit of ${requests} over time window of ${windowS} seconds.`,
        seconds(freeAt - now),
      );
    }
    const used = w.executions.reduce((sum, e) => sum + e.ms, 0);
    if (used >= executionMs) {
      throw tooMany(
        DvCode.ExecutionTimeLimit,
        `Combined execution time of incoming requests exceeded limit of ${fmt(executionMs)} milliseconds over time window of ${windowS} seconds. ` +
          'Decrease number of concurrent requests or reduce the duration of requests and try again later.',
        seconds(this.#executionFreeAt(w, used) - now),
      );
    }
    w.requests.push(now);
    w.inFlight++;
    let released = false;
    return {
      remainingRequests: requests - w.requests.length,
      remainingMs: Math.max(0, executionMs - used),
      release: (ms) => {
        if (released) return;
        released = true;
        w.inFlight--;
        w.executions.push({ at: this.now(), ms });
        this.#executionTotals.set(userId, (this.#executionTotals.get(userId) ?? 0) + ms);
      },
    };
  }

  /** Milliseconds of execution time each user (by id) used since `resetTotals`. */
  executionTotals(): Record<string, number> {
    return Object.fromEntries([...this.#executionTotals].map(([u, ms]) => [u, Math.round(ms * 10) / 10]));
  }

  resetTotals(): void {
    this.#executionTotals.clear();
  }

  /** Forget every window (admin reset, or new limits). */
  reset(): void {
    this.#users.clear();
  }

  #window(userId: string): UserWindow {
    let w = this.#users.get(userId);
    if (!w) this.#users.set(userId, (w = { requests: [], executions: [], inFlight: 0 }));
    return w;
  }

  #prune(w: UserWindow, now: number): void {
    const horizon = now - this.limits.windowMs;
    let i = 0;
    while (i < w.requests.length && w.requests[i]! <= horizon) i++;
    if (i > 0) w.requests.splice(0, i);
    let j = 0;
    while (j < w.executions.length && w.executions[j]!.at <= horizon) j++;
    if (j > 0) w.executions.splice(0, j);
  }

  /** When enough completed executions leave the window for the total to drop under the limit. */
  #executionFreeAt(w: UserWindow, used: number): number {
    let total = used;
    for (const e of w.executions) {
      total -= e.ms;
      if (total < this.limits.executionMs) return e.at + this.limits.windowMs;
    }
    return this.now() + this.limits.windowMs;
  }
}

const tooMany = (code: string, message: string, retryAfterS: number): DataverseHttpError =>
  new DataverseHttpError(429, code, message, { 'retry-after': String(retryAfterS) });
