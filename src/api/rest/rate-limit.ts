/**
 * Marketo's per-client call limit (100 calls per 20 seconds by default): a sliding window of call
 * times per API client, in memory. A process restart forgets the window, which only ever lets a
 * client make a few more calls, never fewer.
 */
export interface RateLimitOptions {
  readonly calls: number;
  readonly windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = Object.freeze({ calls: 100, windowMs: 20_000 });

export class RateLimiter {
  readonly #calls = new Map<number, number[]>();

  constructor(
    readonly options: RateLimitOptions = DEFAULT_RATE_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a call of this client; false when it is over its limit (the call is then not counted). */
  tryAcquire(clientId: number): boolean {
    const now = this.now();
    const since = now - this.options.windowMs;
    const times = (this.#calls.get(clientId) ?? []).filter((t) => t > since);
    if (times.length >= this.options.calls) {
      this.#calls.set(clientId, times);
      return false;
    }
    times.push(now);
    this.#calls.set(clientId, times);
    if (this.#calls.size > 1000) this.prune(since);
    return true;
  }

  /** Drops clients with no call in the window, so idle clients cost no memory. */
  private prune(since: number): void {
    for (const [id, times] of this.#calls) if (!times.some((t) => t > since)) this.#calls.delete(id);
  }

  describe(): string {
    return `Max rate limit '${this.options.calls}' exceeded with in '${Math.round(this.options.windowMs / 1000)}' secs`;
  }
}
