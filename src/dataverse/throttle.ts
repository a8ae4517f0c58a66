/**
 * One throttle per Dynamics user, shared by every client of that user in the process, because
 * Dataverse's service protection limits are per user: requests, combined execution time and
 * concurrent requests per 5-minute sliding window. Staying under them costs nothing; hitting them
 * costs a Retry-After pause that Dataverse lengthens if we keep sending. So: a concurrency cap, a
 * request budget per sliding window, the execution-time budget and the remaining-budget headers
 * (governor.ts), and after any 429 a pause of every request of that user until Retry-After has passed.
 *
 * Admission is FIFO through one promise chain: only the head waits on a condition, so a waiting
 * request can never be overtaken, and the time the head waits is the user's throttled wall time.
 */
import { Budget, type BudgetOptions, type BudgetSnapshot } from './governor.js';

export interface ThrottleOptions {
  /** Requests in flight at once. Default: the budget's share of Dataverse's 52, less its headroom. */
  maxConcurrent?: number;
  /** Requests admitted per sliding window. Default: the budget's share of 6,000, less its headroom. */
  maxRequestsPerWindow?: number;
  /** Default: the budget's window (Dataverse's 300,000 ms). */
  windowMs?: number;
  /** Dataverse's limits and dynasync's share of them (the execution-time budget lives there). */
  budget?: BudgetOptions;
}

export interface ThrottleStats {
  inFlight: number;
  admittedInWindow: number;
  /** Wall-clock ms during which admission was blocked by a 429 pause or by the request budget. */
  throttledMs: number;
  /** 429 pauses started or lengthened. */
  pauses: number;
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Process-wide defaults for throttles created without options (main.ts sets them from the config). */
let defaultBudget: BudgetOptions = {};
export function configureBudget(options: BudgetOptions): void {
  defaultBudget = { ...options };
}

export class Throttle {
  private readonly opts: Required<Omit<ThrottleOptions, 'budget'>>;
  readonly budget: Budget;
  private inFlight = 0;
  /** Admission times inside the window, oldest first. */
  private readonly admitted: number[] = [];
  private pausedUntil = 0;
  private throttledMs = 0;
  private pauses = 0;
  private gate: Promise<void> = Promise.resolve();
  private releaseWaiters: Array<() => void> = [];

  constructor(
    options: ThrottleOptions = {},
    private readonly clock: Clock = systemClock,
  ) {
    this.budget = new Budget(options.budget ?? defaultBudget);
    const caps = this.budget.caps;
    this.opts = {
      maxConcurrent: caps.concurrent,
      maxRequestsPerWindow: caps.requests,
      windowMs: caps.windowMs,
      ...stripUndefined({ ...options, budget: undefined }),
    };
  }

  /** Runs `fn` when admitted; `headersOf` hands its answer's headers to the budget. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal, headersOf?: (result: T) => Headers): Promise<T> {
    await this.acquire(signal);
    const sentAt = this.clock.now();
    let headers: Headers | undefined;
    try {
      const result = await fn();
      headers = headersOf?.(result);
      return result;
    } finally {
      this.budget.finished(this.clock.now(), sentAt, headers);
      this.release();
    }
  }

  /** What dynasync spent of its share of Dataverse's limits in the current window. */
  budgetSnapshot(): BudgetSnapshot {
    return this.budget.snapshot(this.clock.now());
  }

  /** Holds every later admission until `ms` from now (a 429's Retry-After). Never shortens a pause. */
  pause(ms: number): void {
    const until = this.clock.now() + Math.max(0, ms);
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    this.pauses++;
  }

  stats(): ThrottleStats {
    this.prune(this.clock.now());
    return {
      inFlight: this.inFlight,
      admittedInWindow: this.admitted.length,
      throttledMs: this.throttledMs,
      pauses: this.pauses,
    };
  }

  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.gate.then(() => this.admit(signal));
    this.gate = turn.catch(() => undefined);
    return turn;
  }

  release(): void {
    this.inFlight--;
    const waiters = this.releaseWaiters;
    this.releaseWaiters = [];
    for (const wake of waiters) wake();
  }

  private async admit(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.clock.now();
      const blocked = this.blockedFor(now);
      if (blocked > 0) {
        try {
          await this.clock.sleep(blocked, signal);
        } finally {
          this.throttledMs += this.clock.now() - now;
        }
        continue;
      }
      if (this.inFlight >= this.opts.maxConcurrent) {
        await this.nextRelease(signal);
        continue;
      }
      this.inFlight++;
      this.admitted.push(now);
      this.budget.started(now);
      return;
    }
  }

  /** Milliseconds until a 429 pause ends or the oldest admission leaves the window; 0 when free. */
  private blockedFor(now: number): number {
    if (now < this.pausedUntil) return this.pausedUntil - now;
    this.prune(now);
    const budget = this.budget.blockedFor(now);
    if (this.admitted.length < this.opts.maxRequestsPerWindow) return budget;
    return Math.max(1, budget, (this.admitted[0] ?? now) + this.opts.windowMs - now);
  }

  private prune(now: number): void {
    const horizon = now - this.opts.windowMs;
    while (this.admitted.length > 0 && (this.admitted[0] ?? 0) <= horizon) this.admitted.shift();
  }

  private nextRelease(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.releaseWaiters = this.releaseWaiters.filter((w) => w !== wake);
        reject(signal?.reason);
      };
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.releaseWaiters.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** Uses the global setTimeout at call time, so tests can drive it with fake timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

const registry = new Map<string, Throttle>();

/**
 * The throttle of one Dynamics user (key: org URL + user name or client id). The first caller's
 * options win: two clients of one user must not believe they each have the whole budget.
 */
export function sharedThrottle(key: string, options?: ThrottleOptions): Throttle {
  const k = key.toLowerCase();
  let t = registry.get(k);
  if (!t) {
    t = new Throttle(options);
    registry.set(k, t);
  }
  return t;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
