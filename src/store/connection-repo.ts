/**
 * The one Dynamics connection. Secrets are sealed (see secrets.ts) before they reach SQL, and the
 * org URL is pinned once data has synced: pointing a filled lead database at another organization
 * would mix records of two CRMs under the same ids. The URLs are checked in connection-url.ts.
 */
import { FatalError, InvalidInputError } from '../domain/errors.js';
import { recordAudit, type AuditOf } from './audit-log.js';
import { normalizeAuthority, normalizeOrgUrl } from './connection-url.js';
import { inTransaction } from './db/tx.js';
import type { SqlClient } from './db/types.js';
import { ConnectionChangeRefused } from './errors.js';
import type { SecretBox } from './secrets.js';

export type AuthKind = 'password' | 'client_credentials';

export interface ConnectionSecrets {
  readonly password?: string;
  readonly clientSecret?: string;
}

export interface ConnectionSettings {
  readonly orgUrl: string;
  readonly authKind: AuthKind;
  readonly username?: string;
  readonly clientId: string;
  readonly tenant?: string;
  readonly authority?: string;
  readonly secrets: ConnectionSecrets;
}

export interface StoredConnection extends ConnectionSettings {
  /** WhoAmI's UserId once validated; null until then and after the identity changes. */
  readonly dynamicsUserId: string | null;
  readonly updatedAt: Date;
}

interface ConnectionRow {
  org_url: string;
  auth_kind: AuthKind;
  username: string | null;
  client_id: string;
  tenant: string | null;
  authority: string | null;
  secrets: string;
  dynamics_user_id: string | null;
  updated_at: Date;
}

// Checkpoints count too: a sync that has read only empty pages has still chosen its organization.
const HAS_SYNCED_DATA = `SELECT (EXISTS (SELECT 1 FROM companies) OR EXISTS (SELECT 1 FROM sales_persons)
  OR EXISTS (SELECT 1 FROM persons WHERE dynamics_id IS NOT NULL) OR EXISTS (SELECT 1 FROM checkpoints)) AS synced`;

export async function hasSyncedData(c: SqlClient): Promise<boolean> {
  const r = await c.query<{ synced: boolean }>(HAS_SYNCED_DATA);
  return r.rows[0]?.synced === true;
}

/** Everything that came from (or describes syncing from) the current organization. */
export const SYNCED_TABLES = [
  'persons',
  'companies',
  'sales_persons',
  'activities',
  'checkpoints',
  'sync_runs',
  'sync_errors',
] as const;

export async function resetSyncedData(c: SqlClient): Promise<void> {
  await c.query(`TRUNCATE ${SYNCED_TABLES.join(', ')} RESTART IDENTITY`);
}

/**
 * The secrets are sealed together with where they may be sent (organization URL, tenant,
 * authority) and are released only while the stored connection still names that place: a row
 * changed behind the application's back cannot redirect the password to another server.
 */
interface Destination {
  readonly orgUrl: string;
  readonly tenant: string | null;
  readonly authority: string | null;
}

interface SealedSecrets extends ConnectionSecrets {
  /** Absent in rows sealed before secrets were bound; those are bound to their row as it is. */
  readonly for?: Destination;
}

const sameDestination = (a: Destination, b: Destination): boolean =>
  a.orgUrl === b.orgUrl && a.tenant === b.tenant && a.authority === b.authority;

const rowDestination = (row: ConnectionRow): Destination => ({
  orgUrl: row.org_url,
  tenant: row.tenant,
  authority: row.authority,
});

/** The row's secrets when they are bound to its destination, else null. */
function openSecrets(row: ConnectionRow, box: SecretBox): ConnectionSecrets | null {
  const { for: boundTo, ...secrets } = JSON.parse(box.open(row.secrets)) as SealedSecrets;
  return boundTo === undefined || sameDestination(boundTo, rowDestination(row)) ? secrets : null;
}

async function readRow(c: SqlClient, forUpdate = false): Promise<ConnectionRow | undefined> {
  const r = await c.query<ConnectionRow>(`SELECT * FROM connection WHERE id = 1${forUpdate ? ' FOR UPDATE' : ''}`);
  return r.rows[0];
}

function fromRow(row: ConnectionRow, secrets: ConnectionSecrets): StoredConnection {
  return {
    orgUrl: row.org_url,
    authKind: row.auth_kind,
    username: row.username ?? undefined,
    clientId: row.client_id,
    tenant: row.tenant ?? undefined,
    authority: row.authority ?? undefined,
    secrets,
    dynamicsUserId: row.dynamics_user_id,
    updatedAt: row.updated_at,
  };
}

/** The stored connection for display: secrets bound to another destination are withheld (absent). */
export async function peekConnection(c: SqlClient, box: SecretBox): Promise<StoredConnection | null> {
  const row = await readRow(c);
  return row ? fromRow(row, openSecrets(row, box) ?? {}) : null;
}

/** The stored connection to use; throws FatalError('credentials_not_bound') when its secrets belong elsewhere. */
export async function loadConnection(c: SqlClient, box: SecretBox): Promise<StoredConnection | null> {
  const row = await readRow(c);
  if (!row) return null;
  const secrets = openSecrets(row, box);
  if (!secrets) {
    throw new FatalError(
      'credentials_not_bound',
      'The stored Dynamics password and client secret were entered for another ' +
        'organization URL, tenant or authority than the connection now names, so they are not used: enter them again ' +
        '(`dynasync connect` or the Connection page).',
    );
  }
  return fromRow(row, secrets);
}

const UPSERT = `
INSERT INTO connection (id, org_url, auth_kind, username, client_id, tenant, authority, secrets, dynamics_user_id)
VALUES (1, $1, $2, $3, $4, $5, $6, $7, NULL)
ON CONFLICT (id) DO UPDATE SET
  org_url = EXCLUDED.org_url, auth_kind = EXCLUDED.auth_kind, username = EXCLUDED.username,
  client_id = EXCLUDED.client_id, tenant = EXCLUDED.tenant, authority = EXCLUDED.authority,
  secrets = EXCLUDED.secrets, updated_at = now(),
  -- Another org, user or app is another identity: WhoAmI must be asked again.
  dynamics_user_id = CASE
    WHEN connection.org_url = EXCLUDED.org_url AND connection.username IS NOT DISTINCT FROM EXCLUDED.username
     AND connection.client_id = EXCLUDED.client_id AND connection.auth_kind = EXCLUDED.auth_kind
    THEN connection.dynamics_user_id END`;

export interface SaveConnectionResult {
  /** The organization URL as stored (normalized: no Web API path, no trailing slash). */
  readonly orgUrl: string;
  /** True when the synced data was cleared because the org URL changed. */
  readonly reset: boolean;
}

const MOVED =
  'The organization URL, tenant or authority changed, and a stored secret is only ever sent where it was entered for';

/**
 * The secrets to store: those given, else the stored ones, but only for the same destination
 * (and the password only for the same user, the client secret only for the same app). A secret
 * the connection needs and does not get is refused with a code naming it.
 */
function secretsToStore(
  settings: ConnectionSettings,
  dest: Destination,
  row: ConnectionRow | undefined,
  box: SecretBox,
): ConnectionSecrets {
  const given = settings.secrets;
  const stored = row && sameDestination(rowDestination(row), dest) ? (openSecrets(row, box) ?? {}) : {};
  const moved = row !== undefined && !sameDestination(rowDestination(row), dest);
  const password = given.password || (row?.username === (settings.username ?? null) ? stored.password : undefined);
  const clientSecret = given.clientSecret || (row?.client_id === settings.clientId ? stored.clientSecret : undefined);
  if (settings.authKind === 'password' && !password) {
    throw new InvalidInputError(
      'password_required',
      moved ? `${MOVED}: enter the sync user's password again` : "The sync user's password is required",
    );
  }
  if (settings.authKind === 'client_credentials' && !clientSecret) {
    throw new InvalidInputError(
      'client_secret_required',
      moved
        ? `${MOVED}: enter the client secret again`
        : 'Without a user name, the connection uses client credentials and needs the client secret',
    );
  }
  // A confidential app's secret left behind would turn it into a public client that cannot sign in.
  if (moved && !given.clientSecret && row.client_id === settings.clientId && openSecrets(row, box)?.clientSecret) {
    throw new InvalidInputError('client_secret_required', `${MOVED}: enter the client secret again`);
  }
  return { ...(password ? { password } : {}), ...(clientSecret ? { clientSecret } : {}) };
}

/**
 * Stores the connection. Secrets not given are kept from the stored connection when they would go
 * to the same place (see secretsToStore). A different org URL after data has synced throws
 * ConnectionChangeRefused, unless `reset` is set: then the synced data is cleared in the same
 * transaction.
 */
export async function saveConnection(
  c: SqlClient,
  box: SecretBox,
  settings: ConnectionSettings,
  opts: { reset?: boolean; audit?: AuditOf<SaveConnectionResult> } = {},
): Promise<SaveConnectionResult> {
  const dest: Destination = {
    orgUrl: normalizeOrgUrl(settings.orgUrl),
    tenant: settings.tenant || null,
    authority: normalizeAuthority(settings.authority) ?? null,
  };
  return inTransaction(c, async (tx) => {
    const row = await readRow(tx, true);
    const sealed = box.seal(
      JSON.stringify({ ...secretsToStore(settings, dest, row, box), for: dest } satisfies SealedSecrets),
    );
    let reset = false;
    if (row !== undefined && row.org_url !== dest.orgUrl && (await hasSyncedData(tx))) {
      if (!opts.reset) throw new ConnectionChangeRefused(row.org_url, dest.orgUrl);
      await resetSyncedData(tx);
      reset = true;
    }
    await tx.query(UPSERT, [
      dest.orgUrl,
      settings.authKind,
      settings.username || null,
      settings.clientId,
      dest.tenant,
      dest.authority,
      sealed,
    ]);
    const result = { orgUrl: dest.orgUrl, reset };
    if (opts.audit) await recordAudit(tx, opts.audit(result));
    return result;
  });
}

export async function setDynamicsUserId(c: SqlClient, userId: string | null): Promise<void> {
  const r = await c.query('UPDATE connection SET dynamics_user_id = $1, updated_at = now() WHERE id = 1', [userId]);
  if (r.rowCount === 0)
    throw new FatalError('not_connected', 'No Dynamics connection is stored yet: run `dynasync connect` first');
}

export async function hasConnection(c: SqlClient): Promise<boolean> {
  const r = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM connection WHERE id = 1');
  return (r.rows[0]?.n ?? 0) > 0;
}
