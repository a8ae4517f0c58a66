/**
 * The validation checklist (behavior-reference §2.7, adapted to Dataverse): each item passes or
 * fails with a hint saying how to fix it. Items that depend on a failed one are skipped, not
 * reported as extra failures.
 */
import { isSyncError, type SelectedField } from '../domain/index.js';
import { fetchCatalog } from './catalog.js';
import type { SetupSource } from './setup-ports.js';

export interface CheckItem {
  readonly id: string;
  readonly label: string;
  readonly status: 'pass' | 'fail' | 'skipped';
  readonly detail?: string;
  readonly hint?: string;
}

export interface ValidationReport {
  readonly ok: boolean;
  readonly userId: string | null;
  readonly items: readonly CheckItem[];
}

/** Read privilege names per table (systemuser's privilege is prvReadUser). */
const READ_PRIVILEGE: Record<string, string> = {
  account: 'prvReadAccount',
  contact: 'prvReadContact',
  systemuser: 'prvReadUser',
  lead: 'prvReadLead',
  opportunity: 'prvReadOpportunity',
};

const AUTH_HINTS: Record<string, string> = {
  wrong_password: 'The user name or password is wrong. Check them, and that the account is not locked.',
  mfa_required:
    'Entra ID requires multi-factor authentication for this user. The sync user must be exempt from MFA (Conditional Access), or connect with client credentials.',
  wrong_client_secret: 'The client secret is wrong or expired. Create a new secret for the app registration.',
  unknown_client: 'No app registration with this client id in the tenant. Check the client id and tenant.',
  unknown_tenant: 'The tenant was not found. Use the tenant id or its primary domain.',
  user_disabled: 'The sync user is disabled in Entra ID.',
  auth_unavailable:
    'The sign-in service could not be reached: check the network and proxy, and --authority / --tenant if you set them.',
  authority_unreachable:
    'The sign-in service could not be reached: check the network and proxy, and --authority / --tenant if you set them.',
  organization_unreachable:
    'Nothing answers at the organization URL: check it (dynasync connect --url) and that the organization (or emulator) is running.',
};

export async function validateConnection(
  source: SetupSource,
  expected: { username?: string | null; authKind: 'password' | 'client_credentials' },
  selection: readonly SelectedField[],
): Promise<ValidationReport> {
  const items: CheckItem[] = [];
  const pass = (id: string, label: string, detail?: string) =>
    items.push({ id, label, status: 'pass', ...(detail ? { detail } : {}) });
  const failed = (id: string, label: string, detail: string, hint: string) =>
    items.push({ id, label, status: 'fail', detail, hint });
  const skip = (id: string, label: string) =>
    items.push({ id, label, status: 'skipped', detail: 'skipped: an earlier check failed' });

  try {
    await source.ping();
    pass('url', 'The URL answers as Dataverse');
  } catch (err) {
    failed(
      'url',
      'The URL answers as Dataverse',
      message(err),
      'Use the organization URL, e.g. https://contoso.crm.dynamics.com (no path).',
    );
    // Every later check (sign-in included: the token is for this organization) needs it.
    skip('credentials', 'The credentials work');
    for (const [id, label] of LATER) skip(id, label);
    return { ok: false, userId: null, items };
  }
  let userId: string | null = null;
  try {
    userId = (await source.whoAmI()).userId;
    pass('credentials', 'The credentials work');
  } catch (err) {
    const code = isSyncError(err) ? err.code : 'auth_failed';
    failed(
      'credentials',
      'The credentials work',
      message(err),
      AUTH_HINTS[code] ?? 'Check the user name, password, client id, secret and tenant.',
    );
  }
  if (!userId) {
    for (const [id, label] of LATER) skip(id, label);
    return { ok: false, userId, items };
  }
  await checkIdentity(source, userId, expected, pass, failed);
  const tables = syncedTables(selection);
  await checkPrivileges(source, userId, tables, pass, failed);
  await checkChangeTracking(source, tables, pass, failed);
  await checkColumns(source, userId, tables, selection, pass, failed);
  return { ok: items.every((i) => i.status === 'pass'), userId, items };
}

const LATER: readonly [string, string][] = [
  ['identity', 'WhoAmI matches the user name'],
  ['privileges', 'Read privilege on the synced tables'],
  ['change_tracking', 'Change tracking is on for every synced table'],
  ['columns', 'Every selected column is readable'],
];

type Pass = (id: string, label: string, detail?: string) => void;
type Fail = (id: string, label: string, detail: string, hint: string) => void;

async function checkIdentity(
  source: SetupSource,
  userId: string,
  expected: { username?: string | null; authKind: string },
  pass: Pass,
  failed: Fail,
) {
  const label = LATER[0]![1];
  if (expected.authKind === 'client_credentials' || !expected.username)
    return pass('identity', label, 'application user');
  const names = await source.userNames(userId);
  const want = expected.username.toLowerCase();
  if ([names.domainName, names.email].some((n) => n?.toLowerCase() === want)) return pass('identity', label);
  failed(
    'identity',
    label,
    `WhoAmI returned ${names.domainName ?? userId}, not ${expected.username}`,
    'Sign in with the dedicated sync user; its user name must equal the Dynamics user name.',
  );
}

async function checkPrivileges(
  source: SetupSource,
  userId: string,
  tables: readonly string[],
  pass: Pass,
  failed: Fail,
) {
  const label = LATER[1]![1];
  const held = await source.privileges(userId);
  const missing = tables.filter((t) => !held.has(READ_PRIVILEGE[t] ?? ''));
  if (missing.length === 0) return pass('privileges', label, tables.join(', '));
  failed(
    'privileges',
    label,
    `No read privilege on ${missing.join(', ')}`,
    'Give the sync user a security role with organization-level read on these tables.',
  );
}

async function checkChangeTracking(source: SetupSource, tables: readonly string[], pass: Pass, failed: Fail) {
  const label = LATER[2]![1];
  const off: string[] = [];
  for (const t of tables) if (!(await source.entityDefinition(t)).changeTrackingEnabled) off.push(t);
  if (off.length === 0) return pass('change_tracking', label);
  failed(
    'change_tracking',
    label,
    `Change tracking is off for ${off.join(', ')}`,
    'Turn on "Track changes" in each table\'s properties (Power Apps maker portal).',
  );
}

async function checkColumns(
  source: SetupSource,
  userId: string,
  tables: readonly string[],
  selection: readonly SelectedField[],
  pass: Pass,
  failed: Fail,
) {
  const label = LATER[3]![1];
  const unreadable: string[] = [];
  for (const t of tables) {
    const chosen = selection.filter((s) => s.entity === t);
    if (chosen.length === 0) continue;
    const readable = new Set(
      (await fetchCatalog(source, t, userId)).filter((f) => f.readable).map((f) => f.logicalName),
    );
    for (const s of chosen) if (!readable.has(s.logicalName)) unreadable.push(`${t}.${s.logicalName}`);
  }
  if (selection.length === 0) {
    return failed(
      'columns',
      label,
      'No columns are selected yet',
      'Select the columns to sync: dynasync fields --defaults (or --add).',
    );
  }
  if (unreadable.length === 0) return pass('columns', label, `${selection.length} selected`);
  failed(
    'columns',
    label,
    `${unreadable.length} selected column(s) cannot be read: ${unreadable.join(', ')}`,
    'Add these columns to a field security profile of the sync user, or deselect them (dynasync fields --remove).',
  );
}

function syncedTables(selection: readonly SelectedField[]): string[] {
  const base = ['systemuser', 'account', 'contact'];
  for (const extra of ['lead', 'opportunity']) if (selection.some((s) => s.entity === extra)) base.push(extra);
  return base;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
