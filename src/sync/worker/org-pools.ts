/**
 * A worker's open organizations: a bounded LRU of per-organization Db pools, so a job reuses the
 * pool (and the migration check done at open) of its organization's previous job instead of
 * opening one each time (147 ms p50 measured). At most `maxOpen` pools stay open: opening one more
 * closes the least recently used idle pool; a pool unused for `idleCloseMs` is closed by a sweep.
 * A pool in use (leased by a running job) is never closed; if every open pool is in use the cache
 * goes over its bound until one is released (the worker's concurrency bounds that). maxOpen 0
 * turns the cache off (every job opens and closes its own pool, as before).
 */
import type { Db } from '../../store/db/types.js';

export interface OrgPoolsOptions {
  /** Opens an organization's Db (its schema's pool, migrations checked). */
  readonly open: (org: string) => Promise<Db>;
  /** Pools kept open at once (0: no cache). */
  readonly maxOpen: number;
  /** A pool unused this long is closed. */
  readonly idleCloseMs: number;
  readonly now?: () => number;
}

interface Entry {
  readonly db: Promise<Db>;
  users: number;
  lastUsed: number;
}

export interface OrgPoolStats {
  readonly open: number;
  readonly hits: number;
  readonly misses: number;
  readonly closed: number;
}

export class OrgPools {
  /** Map order is the LRU order: a use moves the entry to the end. */
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  #timer: NodeJS.Timeout | null = null;
  #hits = 0;
  #misses = 0;
  #closed = 0;

  constructor(private readonly o: OrgPoolsOptions) {
    this.#now = o.now ?? Date.now;
    if (o.maxOpen > 0 && o.idleCloseMs > 0) {
      this.#timer = setInterval(() => void this.sweep(), Math.max(1000, Math.min(o.idleCloseMs, 30_000)));
      this.#timer.unref();
    }
  }

  stats(): OrgPoolStats {
    return { open: this.#entries.size, hits: this.#hits, misses: this.#misses, closed: this.#closed };
  }

  /** Runs fn with the organization's Db, opened or reused; the pool stays open afterwards (bounded). */
  async use<T>(org: string, fn: (db: Db) => Promise<T>): Promise<T> {
    if (this.o.maxOpen <= 0) {
      this.#misses++;
      const db = await this.o.open(org);
      try {
        return await fn(db);
      } finally {
        this.#closed++;
        await db.close();
      }
    }
    const entry = this.#lease(org);
    let db: Db;
    try {
      db = await entry.db;
    } catch (err) {
      entry.users--;
      if (this.#entries.get(org) === entry) this.#entries.delete(org); // the next job opens again
      throw err;
    }
    try {
      return await fn(db);
    } finally {
      entry.users--;
      entry.lastUsed = this.#now();
      await this.#evictOverBound();
    }
  }

  #lease(org: string): Entry {
    let entry = this.#entries.get(org);
    if (entry) {
      this.#hits++;
      this.#entries.delete(org);
    } else {
      this.#misses++;
      entry = { db: this.o.open(org), users: 0, lastUsed: this.#now() };
    }
    entry.users++;
    this.#entries.set(org, entry);
    return entry;
  }

  async #close(org: string, entry: Entry): Promise<void> {
    if (this.#entries.get(org) === entry) this.#entries.delete(org);
    this.#closed++;
    await entry.db.then((db) => db.close()).catch(() => undefined);
  }

  /** Closes least recently used idle pools while more than maxOpen are open. */
  async #evictOverBound(): Promise<void> {
    const victims: [string, Entry][] = [];
    let over = this.#entries.size - this.o.maxOpen;
    for (const [org, entry] of this.#entries) {
      if (over <= 0) break;
      if (entry.users > 0) continue;
      victims.push([org, entry]);
      over--;
    }
    for (const [org, entry] of victims) await this.#close(org, entry);
  }

  /** Closes the pools idle for longer than idleCloseMs. */
  async sweep(): Promise<number> {
    const limit = this.#now() - this.o.idleCloseMs;
    const idle = [...this.#entries].filter(([, e]) => e.users === 0 && e.lastUsed <= limit);
    for (const [org, entry] of idle) await this.#close(org, entry);
    return idle.length;
  }

  /** Forgets an organization (removed): its pool is closed once idle. */
  async forget(org: string): Promise<void> {
    const entry = this.#entries.get(org);
    if (entry && entry.users === 0) await this.#close(org, entry);
  }

  async closeAll(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await Promise.all([...this.#entries].map(([org, entry]) => this.#close(org, entry)));
  }
}
