/**
 * REST API clients and their access tokens. Only hashes are stored: the client secret as an scrypt
 * hash (computed by the caller), the token as a SHA-256 of a random value, so reading this table
 * grants no access. Expired tokens stay a day so a client hears "expired" (602), not "invalid" (601).
 * A revoked client gets no token and its tokens are deleted: every process sees that at its next
 * token lookup, since the lookup reads the database.
 */
import { InvalidInputError, NotFoundError } from '../domain/errors.js';
import { audited, type AuditOf } from './audit-log.js';
import type { SqlClient } from './db/types.js';

export interface ApiClient {
  readonly id: number;
  readonly name: string;
  readonly clientId: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

interface ClientRow {
  id: number | string;
  name: string;
  client_id: string;
  created_at: Date | string;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
}

const toClient = (r: ClientRow): ApiClient => ({
  id: Number(r.id),
  name: r.name,
  clientId: r.client_id,
  createdAt: new Date(r.created_at),
  lastUsedAt: r.last_used_at === null ? null : new Date(r.last_used_at),
  revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at),
});

const CLIENT_COLUMNS = 'id, name, client_id, created_at, last_used_at, revoked_at';

/** Refuses a name already taken (names are how people tell clients apart in `api-client list`). */
export async function insertApiClient(
  c: SqlClient,
  input: { name: string; clientId: string; secretHash: string },
  audit?: AuditOf<ApiClient>,
): Promise<ApiClient> {
  return audited(c, audit, async (tx) => {
    const r = await tx.query<ClientRow>(
      `INSERT INTO api_clients (name, client_id, secret_hash) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING ${CLIENT_COLUMNS}`,
      [input.name, input.clientId, input.secretHash],
    );
    if (!r.rows[0])
      throw new InvalidInputError('api_client_exists', `An API client named '${input.name}' already exists`);
    return toClient(r.rows[0]);
  });
}

export async function listApiClients(c: SqlClient): Promise<ApiClient[]> {
  const r = await c.query<ClientRow>(`SELECT ${CLIENT_COLUMNS} FROM api_clients ORDER BY id`);
  return r.rows.map(toClient);
}

/**
 * Revokes a client, named by its client id or its name: it gets no new token and the tokens it
 * holds are deleted. Revoking a revoked client changes nothing (its first revocation time stays).
 */
export async function revokeApiClient(
  c: SqlClient,
  clientIdOrName: string,
  audit?: AuditOf<ApiClient>,
): Promise<ApiClient> {
  return audited(c, audit, async (tx) => {
    const r = await tx.query<ClientRow>(
      `WITH revoked AS (
         UPDATE api_clients SET revoked_at = coalesce(revoked_at, now()) WHERE client_id = $1 OR name = $1 RETURNING ${CLIENT_COLUMNS}
       ), dropped AS (DELETE FROM api_tokens WHERE api_client_id IN (SELECT id FROM revoked))
       SELECT * FROM revoked`,
      [clientIdOrName],
    );
    if (!r.rows[0])
      throw new NotFoundError(
        'api_client_not_found',
        `No API client with the client id or name '${clientIdOrName.slice(0, 100)}'`,
      );
    return toClient(r.rows[0]);
  });
}

/** The stored secret hash of a client that is not revoked, for checking the secret it presents. */
export async function findApiClientSecret(
  c: SqlClient,
  clientId: string,
): Promise<{ id: number; secretHash: string } | null> {
  const r = await c.query<{ id: number | string; secret_hash: string }>(
    'SELECT id, secret_hash FROM api_clients WHERE client_id = $1 AND revoked_at IS NULL',
    [clientId],
  );
  const row = r.rows[0];
  return row ? { id: Number(row.id), secretHash: row.secret_hash } : null;
}

/** How long an expired token is kept, so it answers "expired" rather than "invalid". */
const EXPIRED_TOKEN_GRACE = '1 day';

/** Stores a new token and drops tokens long expired (bounded: the table never grows without limit). */
export async function insertApiToken(
  c: SqlClient,
  input: { tokenHash: string; apiClientId: number; expiresAt: Date },
): Promise<void> {
  await c.query(
    `DELETE FROM api_tokens WHERE token_hash IN (
       SELECT token_hash FROM api_tokens WHERE expires_at < now() - interval '${EXPIRED_TOKEN_GRACE}' LIMIT 1000)`,
  );
  await c.query('INSERT INTO api_tokens (token_hash, api_client_id, expires_at) VALUES ($1, $2, $3)', [
    input.tokenHash,
    input.apiClientId,
    input.expiresAt,
  ]);
  await c.query('UPDATE api_clients SET last_used_at = now() WHERE id = $1', [input.apiClientId]);
}

export async function findApiToken(
  c: SqlClient,
  tokenHash: string,
): Promise<{ apiClientId: number; expiresAt: Date } | null> {
  const r = await c.query<{ api_client_id: number | string; expires_at: Date | string }>(
    `SELECT t.api_client_id, t.expires_at FROM api_tokens t JOIN api_clients c ON c.id = t.api_client_id
     WHERE t.token_hash = $1 AND c.revoked_at IS NULL`,
    [tokenHash],
  );
  const row = r.rows[0];
  return row ? { apiClientId: Number(row.api_client_id), expiresAt: new Date(row.expires_at) } : null;
}
