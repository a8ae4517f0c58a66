/**
 * What keeps password guessing and the memory-hungry hash in check. Every attempt is reserved
 * (counted as a failure) before its hash runs, so parallel guesses cannot slip past the limit
 * while the slow checks are in flight; each address may have only a few checks running; and the
 * whole process runs only a few scrypt hashes (128 MiB each) at a time, with a short queue.
 */
import { AdminRefusal } from './errors.js';

export interface Attempt {
  /** The password (or setup code) was right: the address's failures are forgiven. */
  succeeded(): void;
  /** The check has finished (right or wrong): frees the address's slot. Call once, in finally. */
  finished(): void;
}

/** At most `max` attempts per address per window (counted from the first), at most `perAddress` at once. */
export class SignInLimiter {
  readonly #entries = new Map<string, { count: number; since: number; inFlight: number }>();
  constructor(
    private readonly max = 5,
    private readonly windowMs = 5 * 60_000,
    private readonly perAddress = 2,
    private readonly now: () => number = Date.now,
  ) {}

  reserve(address: string): Attempt {
    let e = this.#entries.get(address);
    if (e && e.inFlight === 0 && e.since + this.windowMs <= this.now()) {
      this.#entries.delete(address);
      e = undefined;
    }
    if (!e) {
      if (this.#entries.size > 10_000) this.sweep(); // bounded memory under a spray of addresses
      e = { count: 0, since: this.now(), inFlight: 0 };
      this.#entries.set(address, e);
    }
    if (e.count >= this.max) {
      const left = Math.max(1, Math.ceil((e.since + this.windowMs - this.now()) / 1000));
      throw new AdminRefusal(429, 'too_many_attempts', 'Too many failed sign-ins: wait a few minutes', left);
    }
    if (e.inFlight >= this.perAddress) {
      throw new AdminRefusal(
        429,
        'too_many_attempts',
        'Another sign-in from this address is being checked: wait for its answer',
        1,
      );
    }
    e.count += 1;
    e.inFlight += 1;
    const entry = e;
    let finished = false;
    return {
      succeeded: () => {
        entry.count = 0;
      },
      finished: () => {
        if (finished) return;
        finished = true;
        entry.inFlight -= 1;
      },
    };
  }

  private sweep(): void {
    const at = this.now();
    for (const [address, e] of this.#entries)
      if (e.inFlight === 0 && e.since + this.windowMs <= at) this.#entries.delete(address);
    if (this.#entries.size > 10_000) this.#entries.clear();
  }
}

/** Runs at most `slots` hashes at once; up to `queue` more wait; beyond that the server says it is busy. */
export class HashSlots {
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  constructor(
    private readonly slots = 2,
    private readonly queue = 8,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#active >= this.slots) {
      if (this.#waiting.length >= this.queue) {
        throw new AdminRefusal(
          503,
          'sign_in_busy',
          'The server is checking many sign-ins right now: try again in a few seconds',
          2,
        );
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active += 1;
    }
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next)
        next(); // the slot passes straight to the next waiter
      else this.#active -= 1;
    }
  }
}
