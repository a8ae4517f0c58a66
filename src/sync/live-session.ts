/**
 * The runner's session, following the stored connection: re-read before every cycle (one small
 * SELECT) and rebuilt, with a fresh sign-in, when the connection saved on the Connection page or
 * with `dynasync connect` differs from the one in use. A refused sign-in is a SignInFailedError;
 * the next call signs in again (the caller backs off between calls).
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../config/index.js';
import { loadConnection, setDynamicsUserId, type StoredConnection } from '../store/connection-repo.js';
import type { Db } from '../store/db/types.js';
import type { SecretBox } from '../store/secrets.js';
import type { OutboxWriterPort } from './sender.js';
import { createOutboxWriter } from './sender-loop.js';
import { notConnected, sessionFor, type SyncSession } from './session.js';
import { asSignInFailure } from './sign-in.js';

export interface SignedInSession {
  readonly session: SyncSession;
  readonly userId: string;
  readonly writer: OutboxWriterPort;
}

export interface LiveSessionOptions {
  readonly db: Db;
  readonly secretBox: SecretBox;
  readonly logger: Logger;
  readonly pageSize: number;
}

/** What decides whether a session still fits the stored connection (secrets included, hashed). */
function fingerprint(c: StoredConnection): string {
  const { orgUrl, authKind, username, clientId, tenant, authority, secrets } = c;
  return createHash('sha256')
    .update(
      JSON.stringify([orgUrl, authKind, username, clientId, tenant, authority, secrets.password, secrets.clientSecret]),
    )
    .digest('hex');
}

export class LiveSession {
  #current: (SignedInSession & { fingerprint: string }) | null = null;

  constructor(private readonly o: LiveSessionOptions) {}

  /** The signed-in session for the connection stored now. */
  async current(): Promise<SignedInSession> {
    const stored = await loadConnection(this.o.db, this.o.secretBox).catch((err: unknown) => {
      throw asSignInFailure(err) ?? err;
    });
    if (!stored) throw notConnected();
    const print = fingerprint(stored);
    if (this.#current?.fingerprint === print) return this.#current;
    this.#current = null;
    const session = sessionFor(this.o.db, stored, this.o.logger, this.o.pageSize);
    let userId: string;
    try {
      // Signs in with the new credentials now, so a wrong one shows before any table is read.
      userId = (await session.source.whoAmI()).userId;
    } catch (err) {
      throw asSignInFailure(err) ?? err;
    }
    if (userId !== stored.dynamicsUserId) await setDynamicsUserId(this.o.db, userId);
    this.o.logger.info({ orgUrl: stored.orgUrl }, 'signed in to Dynamics with the stored connection');
    this.#current = { session, userId, writer: createOutboxWriter(stored, this.o.logger), fingerprint: print };
    return this.#current;
  }

  /** Signs in again at the next call (a cycle saw its sign-in refused). */
  invalidate(): void {
    this.#current = null;
  }

  /** An outbox writer that always writes with the current connection. */
  writer(): OutboxWriterPort {
    return {
      batch: async (sets, signal) => (await this.current()).writer.batch(sets, signal),
      readRow: async (entitySet, id, select) => (await this.current()).writer.readRow(entitySet, id, select),
    };
  }
}
