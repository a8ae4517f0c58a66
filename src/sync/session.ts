/**
 * Everything a command needs to talk to Dynamics: the stored connection (secrets unsealed in
 * memory only), a client, and the sync user's Dynamics id (WhoAmI, asked once and remembered).
 */
import { FatalError } from '../domain/index.js';
import type { Logger } from '../config/index.js';
import { DataverseClient, type BudgetSnapshot, type ConnectionSettings } from '../dataverse/index.js';
import type { Db } from '../store/db/types.js';
import { loadConnection, setDynamicsUserId, type StoredConnection } from '../store/connection-repo.js';
import type { SecretBox } from '../store/secrets.js';
import type { SetupSource } from './setup-ports.js';

export interface SyncSession {
  readonly connection: StoredConnection;
  readonly source: SetupSource & { requestStats(): unknown; budget(): BudgetSnapshot };
  userId(): Promise<string>;
}

/** The Dataverse client's sign-in settings for a stored connection (one place for every client). */
export const connectionSettings = (connection: StoredConnection): ConnectionSettings => ({
  orgUrl: connection.orgUrl,
  authKind: connection.authKind,
  username: connection.username,
  password: connection.secrets.password,
  clientId: connection.clientId,
  clientSecret: connection.secrets.clientSecret,
  tenant: connection.tenant,
  authority: connection.authority,
});

export function createClient(connection: StoredConnection, logger: Logger, pageSize: number): DataverseClient {
  return new DataverseClient({
    settings: connectionSettings(connection),
    logger,
    maxPageSize: pageSize,
  });
}

export async function openSession(db: Db, box: SecretBox, logger: Logger, pageSize: number): Promise<SyncSession> {
  const connection = await loadConnection(db, box);
  if (!connection) throw notConnected();
  return sessionFor(db, connection, logger, pageSize);
}

export const notConnected = (): FatalError =>
  new FatalError('not_connected', 'No Dynamics connection yet: run `dynasync connect` first.');

/** A session over a connection already loaded. */
export function sessionFor(db: Db, connection: StoredConnection, logger: Logger, pageSize: number): SyncSession {
  const source = createClient(connection, logger, pageSize);
  let known = connection.dynamicsUserId;
  return {
    connection,
    source,
    userId: async () => {
      if (known) return known;
      known = (await source.whoAmI()).userId;
      await setDynamicsUserId(db, known);
      return known;
    },
  };
}
