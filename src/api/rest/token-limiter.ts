/**
 * The token endpoint checks a secret with scrypt (slow on purpose), so guesses are limited before
 * any hash runs: each attempt is reserved first, per client id and per address, so parallel
 * guesses count as many attempts as they are; a success gives its reservation back. At most a few
 * hashes run at once, overall and per address, so a flood costs bounded CPU and memory.
 */
export interface TokenLimits {
  /** Attempts (reserved, then failed) per client id and per address within the window. */
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly maxInFlight: number;
  readonly maxInFlightPerAddress: number;
}

export const DEFAULT_TOKEN_LIMITS: TokenLimits = Object.freeze({
  maxFailures: 10,
  windowMs: 5 * 60_000,
  maxInFlight: 8,
  maxInFlightPerAddress: 4,
});

/** A reserved attempt: exactly one of ok() or failed() ends it. */
export interface TokenAttempt {
  ok(): void;
  failed(): void;
}

export type Reservation =
  { readonly attempt: TokenAttempt } | { readonly refused: string; readonly retryAfterSeconds: number };

/** Entries kept at most; beyond that expired windows go first, then the oldest. */
const MAX_KEYS = 10_000;

export class TokenAttemptLimiter {
  readonly #attempts = new Map<string, { count: number; since: number }>();
  readonly #inFlight = new Map<string, number>();
  #inFlightTotal = 0;

  constructor(
    readonly limits: TokenLimits = DEFAULT_TOKEN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  reserve(clientId: string, address: string): Reservation {
    const keys = [`client:${clientId}`, `address:${address}`];
    for (const key of keys) {
      const left = this.#windowLeft(key);
      if (left > 0)
        return {
          refused: 'Too many failed token requests for this client or address',
          retryAfterSeconds: Math.ceil(left / 1000),
        };
    }
    if (
      this.#inFlightTotal >= this.limits.maxInFlight ||
      (this.#inFlight.get(address) ?? 0) >= this.limits.maxInFlightPerAddress
    ) {
      return { refused: 'Too many token requests at once', retryAfterSeconds: 1 };
    }
    for (const key of keys) this.#count(key, +1);
    this.#inFlightTotal += 1;
    this.#inFlight.set(address, (this.#inFlight.get(address) ?? 0) + 1);
    let ended = false;
    const end = (success: boolean) => {
      if (ended) return;
      ended = true;
      this.#inFlightTotal -= 1;
      const n = (this.#inFlight.get(address) ?? 1) - 1;
      if (n > 0) this.#inFlight.set(address, n);
      else this.#inFlight.delete(address);
      if (success) for (const key of keys) this.#count(key, -1);
    };
    return { attempt: { ok: () => end(true), failed: () => end(false) } };
  }

  /** Milliseconds until the key may try again; 0 when it may now. */
  #windowLeft(key: string): number {
    const a = this.#attempts.get(key);
    if (!a) return 0;
    const left = a.since + this.limits.windowMs - this.now();
    if (left <= 0) {
      this.#attempts.delete(key);
      return 0;
    }
    return a.count >= this.limits.maxFailures ? left : 0;
  }

  #count(key: string, delta: number): void {
    const a = this.#attempts.get(key);
    if (a) {
      a.count = Math.max(0, a.count + delta);
      return;
    }
    if (delta < 0) return;
    if (this.#attempts.size >= MAX_KEYS) this.#prune();
    this.#attempts.set(key, { count: delta, since: this.now() });
  }

  #prune(): void {
    const now = this.now();
    for (const [key, a] of this.#attempts) if (a.since + this.limits.windowMs <= now) this.#attempts.delete(key);
    for (const key of this.#attempts.keys()) {
      if (this.#attempts.size < MAX_KEYS) break;
      this.#attempts.delete(key);
    }
  }
}
