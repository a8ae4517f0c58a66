/**
 * Where accepted notifications go: counted in memory and written to `push_state` by one flush at a
 * time, so a burst of a thousand notifications costs a handful of UPDATEs and the receiver answers
 * each at once. A notification is only a trigger: losing one (the process dies before its flush,
 * the database is away) loses no data, because the next delta read, pushed or polled, brings the
 * change anyway.
 */
import type { Logger } from '../config/index.js';
import type { Db } from '../store/db/types.js';
import { recordNotifications, recordRefused } from '../store/push-state.js';

export class PushInbox {
  #pending = new Map<string, { since: number; count: number }>();
  #refused = 0;
  #flushing: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    /** Called after notifications were recorded: wakes a runner in this process. */
    private readonly onRecorded: () => void,
  ) {}

  accept(entity: string, changedAt: number): void {
    const p = this.#pending.get(entity);
    if (p) {
      p.since = Math.min(p.since, changedAt);
      p.count++;
    } else this.#pending.set(entity, { since: changedAt, count: 1 });
    this.schedule();
  }

  refuse(): void {
    this.#refused++;
    this.schedule();
  }

  /** Resolves when everything received so far is written (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  private schedule(): void {
    if (this.#flushing) return;
    this.#flushing = this.flush().finally(() => {
      this.#flushing = null;
      if (this.#pending.size > 0 || this.#refused > 0) this.schedule();
    });
  }

  private async flush(): Promise<void> {
    const pending = this.#pending;
    const refused = this.#refused;
    this.#pending = new Map();
    this.#refused = 0;
    try {
      for (const [entity, p] of pending) await recordNotifications(this.db, entity, new Date(p.since), p.count);
      if (refused > 0) await recordRefused(this.db, refused);
    } catch (err) {
      this.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'cannot record push notifications; the next polled cycle reads the changes',
      );
      return;
    }
    if (pending.size > 0) this.onRecorded();
  }
}
