/**
 * The demo's simulated people act on a timer: one action at a time (a tick while the previous one
 * still runs is skipped), a failure logged and forgotten, timers that never keep Node alive.
 */
import type { Logger } from '../../config/index.js';

export abstract class Ticker {
  #timer: NodeJS.Timeout | null = null;
  #busy = false;

  protected constructor(
    protected readonly logger: Logger,
    private readonly what: string,
  ) {}

  /** Acts every `everyMs`, the first time after `firstAfterMs` (default: one period). */
  start(everyMs: number, firstAfterMs?: number): void {
    if (firstAfterMs !== undefined) setTimeout(() => void this.tick(), firstAfterMs).unref();
    this.#timer = setInterval(() => void this.tick(), everyMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** One action; null when skipped, failed, or there was nothing to do. */
  async tick(): Promise<string | null> {
    if (this.#busy) return null;
    this.#busy = true;
    try {
      return await this.act();
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, `${this.what} failed`);
      return null;
    } finally {
      this.#busy = false;
    }
  }

  protected abstract act(): Promise<string | null>;
}
