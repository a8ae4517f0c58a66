/**
 * The one Dynamics connection. Secrets are sealed (see secrets.ts) before they reach SQL, and the
 * org URL is pinned once data has synced: pointing a filled lead database at another organization
 * would mix records of two CRMs under the same ids.
 */
import { FatalError } from '../domain/errors.js';
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

/** Scheme and host lower-cased, no trailing slash: `https://Org.crm.dynamics.com/` equals `https://org.crm.dynamics.com`. */
export function normalizeOrgUrl(orgUrl: string): string {
  let url: URL;
  try {
    url = new URL(orgUrl.trim());
  } catch {
    throw new FatalError('invalid_org_url', `${JSON.stringify(orgUrl)} is not a URL (expected e.g. https://contoso.crm.dynamics.com)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new FatalError('invalid_org_url', `The org URL must be http(s), not ${url.protocol}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

// Checkpoints count too: a sync that has read only empty pages has still chosen its organization.
const HAS_SYNCED_DATA = `SELECT (EXISTS (SELECT 1 FROM companies) OR EXISTS (SELECT 1 FROM sales_persons)
  OR EXISTS (SELECT 1 FROM persons WHERE dynamics_id IS NOT NULL) OR EXISTS (SELECT 1 FROM checkpoints)) AS synced`;

export async function hasSyncedData(c: SqlClient): Promise<boolean> {
  const r = await c.query<{ synced: boolean }>(HAS_SYNCED_DATA);
  return r.rows[0]?.synced === true;
}

/** Everything that came from (or describes syncing from) the current organization. */
export const SYNCED_TABLES = ['persons', 'companies', 'sales_persons', 'activities', 'checkpoints', 'sync_runs', 'sync_errors'] as const;

export async function resetSyncedData(c: SqlClient): Promise<void> {
  await c.query(`TRUNCATE ${SYNCED_TABLES.join(', ')} RESTART IDENTITY`);
}

export async function loadConnection(c: SqlClient, box: SecretBox): Promise<StoredConnection | null> {
  const r = await c.query<ConnectionRow>('SELECT * FROM connection WHERE id = 1');
  const row = r.rows[0];
  if (!row) return null;
  return {
    orgUrl: row.org_url,
    authKind: row.auth_kind,
    username: row.username ?? undefined,
    clientId: row.client_id,
    tenant: row.tenant ?? undefined,
    authority: row.authority ?? undefined,
    secrets: JSON.parse(box.open(row.secrets)) as ConnectionSecrets,
    dynamicsUserId: row.dynamics_user_id,
    updatedAt: row.updated_at,
  };
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
  /** True when the synced data was cleared because the org URL changed. */
  readonly reset: boolean;
}

/**
 * Stores the connection. A different org URL after data has synced throws ConnectionChangeRefused,
 * unless `reset` is set: then the synced data is cleared in the same transaction.
 */
export async function saveConnection(
  c: SqlClient,
  box: SecretBox,
  settings: ConnectionSettings,
  opts: { reset?: boolean } = {},
): Promise<SaveConnectionResult> {
  const orgUrl = normalizeOrgUrl(settings.orgUrl);
  const sealed = box.seal(JSON.stringify(settings.secrets));
  return inTransaction(c, async (tx) => {
    const current = await tx.query<{ org_url: string }>('SELECT org_url FROM connection WHERE id = 1 FOR UPDATE');
    const currentUrl = current.rows[0]?.org_url;
    let reset = false;
    if (currentUrl !== undefined && currentUrl !== orgUrl && (await hasSyncedData(tx))) {
      if (!opts.reset) throw new ConnectionChangeRefused(currentUrl, orgUrl);
      await resetSyncedData(tx);
      reset = true;
    }
    await tx.query(UPSERT, [
      orgUrl, settings.authKind, settings.username ?? null, settings.clientId,
      settings.tenant ?? null, settings.authority ?? null, sealed,
    ]);
    return { reset };
  });
}

export async function setDynamicsUserId(c: SqlClient, userId: string | null): Promise<void> {
  const r = await c.query('UPDATE connection SET dynamics_user_id = $1, updated_at = now() WHERE id = 1', [userId]);
  if (r.rowCount === 0) throw new FatalError('no_connection', 'No Dynamics connection is stored yet: run `dynasync connect` first');
}
