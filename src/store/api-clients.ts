/**
 * REST API clients and their access tokens. Only hashes are stored: the client secret as an scrypt
 * hash (computed by the caller), the token as a SHA-256 of a random value, so reading this table
 * grants no access. Expired tokens stay a day so a client hears "expired" (602), not "invalid" (601).
 */
import { InvalidInputError } from '../domain/errors.js';
import type { SqlClient } from './db/types.js';

export interface ApiClient {
  readonly id: number;
  readonly name: string;
  readonly clientId: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

interface ClientRow {
  id: number | string;
  name: string;
  client_id: string;
  created_at: Date | string;
  last_used_at: Date | string | null;
}

const toClient = (r: ClientRow): ApiClient => ({
  id: Number(r.id),
  name: r.name,
  clientId: r.client_id,
  createdAt: new Date(r.created_at),
  lastUsedAt: r.last_used_at === null ? null : new Date(r.last_used_at),
});

/** Refuses a name already taken (names are how people tell clients apart in `api-client list`). */
export async function insertApiClient(
  c: SqlClient,
  input: { name: string; clientId: string; secretHash: string },
): Promise<ApiClient> {
  const r = await c.query<ClientRow>(
    `INSERT INTO api_clients (name, client_id, secret_hash) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING RETURNING id, name, client_id, created_at, last_used_at`,
    [input.name, input.clientId, input.secretHash],
  );
  if (!r.rows[0]) throw new InvalidInputError('api_client_exists', `An API client named '${input.name}' already exists`);
  return toClient(r.rows[0]);
}

export async function listApiClients(c: SqlClient): Promise<ApiClient[]> {
  const r = await c.query<ClientRow>('SELECT id, name, client_id, created_at, last_used_at FROM api_clients ORDER BY id');
  return r.rows.map(toClient);
}

/** The stored secret hash of a client, for checking the secret it presents. */
export async function findApiClientSecret(c: SqlClient, clientId: string): Promise<{ id: number; secretHash: string } | null> {
  const r = await c.query<{ id: number | string; secret_hash: string }>(
    'SELECT id, secret_hash FROM api_clients WHERE client_id = $1',
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
    input.tokenHash, input.apiClientId, input.expiresAt,
  ]);
  await c.query('UPDATE api_clients SET last_used_at = now() WHERE id = $1', [input.apiClientId]);
}

export async function findApiToken(c: SqlClient, tokenHash: string): Promise<{ apiClientId: number; expiresAt: Date } | null> {
  const r = await c.query<{ api_client_id: number | string; expires_at: Date | string }>(
    'SELECT api_client_id, expires_at FROM api_tokens WHERE token_hash = $1',
    [tokenHash],
  );
  const row = r.rows[0];
  return row ? { apiClientId: Number(row.api_client_id), expiresAt: new Date(row.expires_at) } : null;
}
