/**
 * The budget side of the throttle governor: what dynasync may still spend of Dataverse's service
 * protection limits in the current sliding window, by its own accounting and by the remaining-budget
 * headers Dataverse sends with each answer (which also count what other integrations of the same
 * user spent). The throttle asks `blockedFor()` before each admission, so the limits are kept, not
 * discovered by 429s.
 *
 * Own accounting: every admission and every finished request's elapsed time (as the client saw it,
 * so never less than the server time it was charged), and the requests in flight, each counted at
 * the mean time of recent requests (their charge is not known until they finish).
 * Headers: `x-ms-ratelimit-burst-remaining-xrm-requests` (requests) and
 * `x-ms-ratelimit-time-remaining-xrm-requests` (execution ms), as of when the request was admitted;
 * what we sent and finished since is subtracted. A header older than the probe age is no longer
 * trusted to block: one request at a time then refreshes it.
 */
export interface DataverseLimits {
  /** Requests per user per window (Dataverse: 6,000). */
  requests: number;
  /** Combined execution time per user per window, ms (Dataverse: 1,200,000). */
  executionMs: number;
  /** Concurrent requests per user (Dataverse: 52). */
  concurrent: number;
  /** Sliding window, ms (Dataverse: 300,000). */
  windowMs: number;
}

export const DATAVERSE_LIMITS: Readonly<DataverseLimits> = Object.freeze({
  requests: 6000,
  executionMs: 1_200_000,
  concurrent: 52,
  windowMs: 300_000,
});

export interface BudgetOptions {
  limits?: Partial<DataverseLimits>;
  /** dynasync's share of the user's limits, in (0, 1]. Default 1: the sync user is dynasync's alone. */
  share?: number;
  /** Fraction of its share dynasync plans to use, leaving room for estimates being off. Default 0.95. */
  headroom?: number;
}

export interface BudgetSnapshot {
  readonly share: number;
  readonly windowMs: number;
  readonly requests: { readonly used: number; readonly limit: number };
  readonly executionMs: { readonly used: number; readonly limit: number };
  readonly concurrent: { readonly inFlight: number; readonly limit: number };
  /** What Dataverse said is left for the user (all integrations), at the last answer; null before any. */
  readonly server: { readonly requestsRemaining: number | null; readonly executionMsRemaining: number | null } | null;
}

interface Observation {
  /** When the request it came with was sent. */
  readonly sentAt: number;
  readonly requests: number | null;
  readonly executionMs: number | null;
}

const RECENT = 20;

export class Budget {
  readonly limits: Readonly<DataverseLimits>;
  readonly share: number;
  /** dynasync's own caps: the share of the limits, less the headroom. */
  readonly caps: Readonly<DataverseLimits>;
  readonly #headroom: number;
  readonly #admitted: number[] = [];
  readonly #finished: { at: number; ms: number }[] = [];
  readonly #recent: number[] = [];
  #inFlight = 0;
  #obs: Observation | null = null;

  constructor(options: BudgetOptions = {}) {
    this.limits = Object.freeze({ ...DATAVERSE_LIMITS, ...definedOnly(options.limits ?? {}) });
    this.share = clamp(options.share ?? 1, 0.01, 1);
    this.#headroom = clamp(options.headroom ?? 0.95, 0.1, 1);
    const planned = this.share * this.#headroom;
    this.caps = Object.freeze({
      requests: Math.max(1, Math.floor(this.limits.requests * planned)),
      executionMs: Math.max(1, this.limits.executionMs * planned),
      concurrent: Math.max(1, Math.floor(this.limits.concurrent * this.share * this.#headroom)),
      windowMs: this.limits.windowMs,
    });
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Milliseconds to wait before the next request fits every limit; 0 when it fits now. */
  blockedFor(now: number): number {
    this.#prune(now);
    const waits: number[] = [];
    if (this.#admitted.length >= this.caps.requests) waits.push(this.#admitted[0]! + this.caps.windowMs - now);
    const inFlightMs = this.#inFlight * this.#meanMs();
    // Our own time is what the client saw (network and queueing included), so it overstates the
    // server's charge. With the whole budget (share 1) and a fresh server figure, that figure
    // (exact, and counting every caller) decides; with a smaller share our own time is capped.
    const serverDecides = this.share === 1 && this.#fresh(now) && this.#obs?.executionMs !== null;
    if (!serverDecides && this.#ownUsed() + inFlightMs >= this.caps.executionMs) waits.push(this.#executionFreeIn(now));
    const server = this.#serverWait(now, inFlightMs);
    if (server > 0) waits.push(server);
    return waits.length === 0 ? 0 : Math.max(1, Math.min(...waits));
  }

  /** A request was admitted (sent now). */
  started(now: number): void {
    this.#admitted.push(now);
    this.#inFlight++;
  }

  /** A request admitted at `sentAt` finished now; its answer's headers, when it got one. */
  finished(now: number, sentAt: number, headers?: Headers): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    const ms = Math.max(0, now - sentAt);
    this.#finished.push({ at: now, ms });
    this.#recent.push(ms);
    if (this.#recent.length > RECENT) this.#recent.shift();
    if (headers) this.#observe(sentAt, headers);
  }

  snapshot(now: number): BudgetSnapshot {
    this.#prune(now);
    return {
      share: this.share,
      windowMs: this.limits.windowMs,
      requests: { used: this.#admitted.length, limit: this.caps.requests },
      executionMs: { used: Math.round(this.#ownUsed()), limit: Math.round(this.caps.executionMs) },
      concurrent: { inFlight: this.#inFlight, limit: this.caps.concurrent },
      server: this.#obs && { requestsRemaining: this.#obs.requests, executionMsRemaining: this.#obs.executionMs },
    };
  }

  #observe(sentAt: number, headers: Headers): void {
    const requests = headerNumber(headers.get('x-ms-ratelimit-burst-remaining-xrm-requests'));
    const executionMs = headerNumber(headers.get('x-ms-ratelimit-time-remaining-xrm-requests'));
    if (requests === null && executionMs === null) return;
    // Answers arrive out of order: keep the one that reflects the latest admission.
    if (this.#obs && this.#obs.sentAt > sentAt) return;
    this.#obs = { sentAt, requests, executionMs };
  }

  /**
   * Wait imposed by what the server said is left for the user, less what we spent since. Low on
   * requests: one request at a time (should the limits be lower than we believe, its 429 pauses us
   * for Retry-After, which the server knows and we do not). Low on execution time: wait until our
   * own time starts leaving the window (the server figure counts it), at most the probe age, then
   * one request at a time.
   */
  #serverWait(now: number, inFlightMs: number): number {
    const obs = this.#obs;
    if (!obs) return 0;
    const margin = 1 - this.#headroom;
    const sentSince = this.#admitted.filter((t) => t > obs.sentAt).length;
    const spentSince = this.#finished.filter((f) => f.at > obs.sentAt).reduce((s, f) => s + f.ms, 0);
    const requestsLow = obs.requests !== null && obs.requests - sentSince < this.limits.requests * margin;
    const timeLow =
      obs.executionMs !== null && obs.executionMs - spentSince - inFlightMs < this.limits.executionMs * margin;
    if (!requestsLow && !timeLow) return 0;
    const oneAtATime = this.#inFlight === 0 ? 0 : Math.max(1, Math.round(this.#meanMs() / 2));
    if (!timeLow || !this.#fresh(now)) return oneAtATime;
    const ownFrees = this.#finished.length > 0 ? this.#finished[0]!.at + this.limits.windowMs - now : Infinity;
    return Math.max(1, Math.min(ownFrees, obs.sentAt + this.#probeAge() - now));
  }

  #probeAge(): number {
    return Math.min(this.limits.windowMs / 20, 15_000);
  }

  #fresh(now: number): boolean {
    return this.#obs !== null && now - this.#obs.sentAt <= this.#probeAge();
  }

  #ownUsed(): number {
    return this.#finished.reduce((s, f) => s + f.ms, 0);
  }

  #meanMs(): number {
    return this.#recent.length === 0 ? 0 : this.#recent.reduce((a, b) => a + b, 0) / this.#recent.length;
  }

  /** When enough of our own finished time leaves the window for the spent total to drop under the cap. */
  #executionFreeIn(now: number): number {
    let total = this.#ownUsed() + this.#inFlight * this.#meanMs();
    for (const f of this.#finished) {
      total -= f.ms;
      if (total < this.caps.executionMs) return f.at + this.caps.windowMs - now;
    }
    return this.caps.windowMs;
  }

  #prune(now: number): void {
    const horizon = now - this.limits.windowMs;
    while (this.#admitted.length > 0 && this.#admitted[0]! <= horizon) this.#admitted.shift();
    while (this.#finished.length > 0 && this.#finished[0]!.at <= horizon) this.#finished.shift();
  }
}

/** `5999`, `1,199,950.25`: Dataverse formats the time header with separators on some servers. */
function headerNumber(v: string | null): number | null {
  if (v === null) return null;
  const n = Number(v.replace(/,/g, '').trim());
  return Number.isFinite(n) && n >= 0 ? n : null;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
