/**
 * The admin API's way to Dynamics: one session (client, token cache) reused across requests while
 * the stored connection stays the same, so a page polling status does not sign in every time.
 * Pending-change counts are cached briefly and time-boxed: status must answer quickly even when
 * Dynamics is slow or throttling.
 */
import type { Logger } from '../../config/index.js';
import type { Db } from '../../store/db/types.js';
import { loadConnection } from '../../store/connection-repo.js';
import type { SecretBox } from '../../store/secrets.js';
import { openSession, type SyncSession } from '../../sync/session.js';
import type { PendingCounter } from '../../sync/status.js';

export interface DynamicsAccessOptions {
  readonly db: Db;
  readonly secretBox: SecretBox;
  readonly logger: Logger;
  readonly pageSize: number;
  /** How long a pending-change count is reused. */
  readonly pendingTtlMs?: number;
  /** How long status waits for one count before showing it as unknown. */
  readonly pendingTimeoutMs?: number;
}

export class DynamicsAccess {
  #cached: { stamp: number; session: SyncSession } | null = null;
  readonly #counts = new Map<string, { at: number; value: number }>();

  constructor(private readonly o: DynamicsAccessOptions) {}

  /** The session for the stored connection; throws FatalError('not_connected') when there is none. */
  async session(): Promise<SyncSession> {
    const stored = await loadConnection(this.o.db, this.o.secretBox);
    const stamp = stored?.updatedAt.getTime() ?? -1;
    if (this.#cached && this.#cached.stamp === stamp) return this.#cached.session;
    const session = await openSession(this.o.db, this.o.secretBox, this.o.logger, this.o.pageSize);
    this.#cached = { stamp: session.connection.updatedAt.getTime(), session };
    this.#counts.clear();
    return session;
  }

  /** Forgets the session (after the connection is saved). */
  reset(): void {
    this.#cached = null;
    this.#counts.clear();
  }

  /** A pending counter for buildStatus, or null when no connection is stored. */
  async pendingCounter(): Promise<PendingCounter | null> {
    let session: SyncSession;
    try {
      session = await this.session();
    } catch {
      return null; // not connected, or credentials unreadable: status still answers
    }
    const ttl = this.o.pendingTtlMs ?? 15_000;
    const timeout = this.o.pendingTimeoutMs ?? 4_000;
    return {
      countChanges: async (entitySet, deltaLink) => {
        const key = `${entitySet} ${deltaLink}`;
        const hit = this.#counts.get(key);
        if (hit && Date.now() - hit.at < ttl) return hit.value;
        const value = await withTimeout(session.source.countChanges(entitySet, deltaLink), timeout);
        if (this.#counts.size >= 64) this.#counts.clear(); // each cycle brings new delta links
        this.#counts.set(key, { at: Date.now(), value });
        return value;
      },
    };
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
