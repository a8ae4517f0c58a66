/**
 * The Dataverse client against the emulator over real HTTP: sign-in (both grants and every mapped
 * credential error), metadata, privileges, paging to a deltaLink, deltas after a rep's writes,
 * expiry, drift, and faults (429 storm, 5xx, resets, malformed bodies, revoked tokens).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/index.js';
import { DeltaTokenExpiredError, ENTITY_INFO, FatalError } from '../../src/domain/index.js';
import {
  ColumnDeletedError,
  DataverseClient,
  DataverseWriter,
  type ConnectionSettings,
  type ReadPage,
} from '../../src/dataverse/index.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { createAdmin, type EmulatorAdmin } from '../../src/emulator/faults/admin.js';

const PASSWORD = 'Passw0rd!';
const fastRetry = { initialDelayMs: 10, maxDelayMs: 50 };

let emu: EmulatorHandle;
let admin: EmulatorAdmin;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: 'small', enableAdmin: true });
  admin = createAdmin(emu.ctx);
});
afterAll(async () => {
  await emu?.close();
});

const user = (username: string, over: Partial<ConnectionSettings> = {}): ConnectionSettings => ({
  orgUrl: emu.url,
  authKind: 'password',
  username,
  password: PASSWORD,
  clientId: 'dynasync-local',
  tenant: 'contoso',
  authority: emu.url,
  ...over,
});
const app = (over: Partial<ConnectionSettings> = {}): ConnectionSettings => ({
  orgUrl: emu.url,
  authKind: 'client_credentials',
  clientId: 'dynasync-local',
  clientSecret: 'local-secret',
  tenant: 'contoso',
  authority: emu.url,
  ...over,
});
const client = (settings: ConnectionSettings, maxPageSize = 5000) =>
  new DataverseClient({ settings, logger: silentLogger(), maxPageSize, retry: fastRetry });
const syncClient = (maxPageSize?: number) => client(user('sync@contoso.test'), maxPageSize);

const ACCOUNT = ENTITY_INFO.account;
const accountRead = (link: string | null, select = ['name', 'accountid', 'modifiedon']) => ({
  entity: 'account',
  entitySet: ACCOUNT.entitySet,
  select,
  link,
});

async function readAll(pages: AsyncGenerator<ReadPage>): Promise<{ pages: ReadPage[]; ids: string[] }> {
  const all: ReadPage[] = [];
  const ids: string[] = [];
  for await (const p of pages) {
    all.push({ ...p, rows: [] }); // keep links and deletes, not every row
    for (const r of p.rows) ids.push(String(r.accountid ?? r.contactid ?? r.leadid));
  }
  return { pages: all, ids };
}

describe('the URL check', () => {
  it('recognises the emulator as Dataverse', async () => {
    await expect(syncClient().ping()).resolves.toEqual({ ok: true });
  });

  it('refuses a closed port and a web site that is not Dataverse', async () => {
    const closed = client(user('sync@contoso.test', { orgUrl: 'http://127.0.0.1:9' }));
    await expect(closed.ping()).rejects.toMatchObject({ code: 'not_dataverse' });

    const site: Server = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>Not found</body></html>');
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
      await expect(client(user('sync@contoso.test', { orgUrl: url })).ping()).rejects.toMatchObject({
        code: 'not_dataverse',
      });
    } finally {
      await new Promise<void>((r) => site.close(() => r()));
    }
  });
});

describe('sign-in', () => {
  it('signs in with the password grant and WhoAmI is that user', async () => {
    const c = syncClient();
    const me = await c.whoAmI();
    expect(me.userId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await c.userNames(me.userId)).domainName).toBe('sync@contoso.test');
  });

  it('signs in with client credentials', async () => {
    const me = await client(app()).whoAmI();
    expect(me.organizationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  // Settings are built lazily: the emulator's URL is known only once beforeAll has run.
  it.each([
    ['wrong password', () => user('sync@contoso.test', { password: 'wrong' }), 'wrong_password'],
    ['MFA required', () => user('mfa@contoso.test'), 'mfa_required'],
    ['wrong client secret', () => app({ clientSecret: 'wrong' }), 'wrong_client_secret'],
    ['unknown client id', () => user('sync@contoso.test', { clientId: 'no-such-app' }), 'unknown_client'],
    ['unknown tenant', () => user('sync@contoso.test', { tenant: 'fabrikam' }), 'unknown_tenant'],
  ])('maps %s to %s', async (_name, settings, code) => {
    const error = await client(settings())
      .whoAmI()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FatalError);
    expect(error).toMatchObject({ code });
    expect((error as Error).message).not.toContain(PASSWORD);
  });

  it('maps a disabled user to user_disabled', async () => {
    admin.addUser({ name: 'gone@contoso.test', password: PASSWORD, disabled: true });
    await expect(client(user('gone@contoso.test')).whoAmI()).rejects.toMatchObject({ code: 'user_disabled' });
  });

  it('signs in again when the API refuses an expired token', async () => {
    const c = syncClient();
    await c.whoAmI();
    admin.expireAccessTokens();
    await expect(c.whoAmI()).resolves.toBeDefined();
  });
});

describe('metadata and privileges', () => {
  it('reads a table definition with change tracking on', async () => {
    await expect(syncClient().entityDefinition('account')).resolves.toMatchObject({
      logicalName: 'account',
      entitySetName: 'accounts',
      primaryIdAttribute: 'accountid',
      changeTrackingEnabled: true,
    });
    await expect(syncClient().entityDefinition('nosuchtable')).rejects.toMatchObject({ code: 'unknown_table' });
  });

  it('reads every column with lengths, ranges, options and security in a few requests', async () => {
    const before = admin.requestCount('EntityDefinitions');
    const attrs = await syncClient().attributes('account');
    const requests = admin.requestCount('EntityDefinitions') - before;
    const byName = new Map(attrs.map((a) => [a.logicalName, a]));
    expect(byName.get('name')).toMatchObject({ attributeType: 'String', maxLength: 160, isValidForRead: true });
    expect(byName.get('industrycode')?.options?.length).toBeGreaterThan(0);
    expect(
      byName
        .get('donotemail')
        ?.options?.map((o) => o.value)
        .sort(),
    ).toEqual([0, 1]);
    expect(byName.get('revenue')).toMatchObject({ attributeType: 'Money', isSecured: true });
    expect(attrs.every((a) => a.attributeOf === null)).toBe(true);
    // One for the attributes, six for lengths and options, four for the number types' MinValue/MaxValue.
    expect(requests).toBeLessThanOrEqual(1 + 6 + 4);
  });

  it('lists privileges and the secured columns each user may read', async () => {
    const sync = syncClient();
    const me = await sync.whoAmI();
    expect(await sync.privileges(me.userId)).toContain('prvReadAccount');
    const revenue = (await sync.attributes('account')).find((a) => a.logicalName === 'revenue')!;
    expect(await sync.readableSecuredColumnIds(me.userId)).toContain(revenue.metadataId);

    const limited = client(user('limited@contoso.test'));
    const lee = await limited.whoAmI();
    expect(await limited.readableSecuredColumnIds(lee.userId)).not.toContain(revenue.metadataId);
    expect(await limited.privileges(lee.userId)).not.toContain('prvReadLead');
  });
});

describe('change-tracked reads', () => {
  it('pages a full read to its deltaLink with every row once', async () => {
    const { pages, ids } = await readAll(syncClient(37).readPages(accountRead(null)));
    expect(ids.length).toBe(emu.ctx.data.count('account'));
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages.length).toBe(Math.ceil(ids.length / 37));
    expect(pages.slice(0, -1).every((p) => p.nextLink !== null && p.deltaLink === null)).toBe(true);
    expect(pages.at(-1)).toMatchObject({ nextLink: null, isDelta: false });
    expect(pages.at(-1)!.deltaLink).toContain('$deltatoken=');
  });

  it('keeps rows in wire format: ISO date strings and lookup annotations', async () => {
    const pages = syncClient(5).readPages({
      entity: 'contact',
      entitySet: 'contacts',
      select: ['fullname', 'modifiedon', '_parentcustomerid_value'],
      link: null,
    });
    const { value } = await pages.next();
    await pages.return();
    const row = (value as ReadPage).rows.find((r) => r._parentcustomerid_value !== null)!;
    expect(row.modifiedon).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(row['_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname']).toMatch(/^(account|contact)$/);
    expect(Object.keys(row).some((k) => k.endsWith('_Formatted') || k.startsWith('oData'))).toBe(false);
  });

  it("reads a rep's creates, updates and deletes as a delta, and counts them first", async () => {
    const sync = syncClient();
    const baseline = await readAll(sync.readPages(accountRead(null)));
    const deltaLink = baseline.pages.at(-1)!.deltaLink!;

    const rep = new DataverseWriter({ settings: user('rep@contoso.test'), logger: silentLogger(), retry: fastRetry });
    const [updated, deleted] = baseline.ids;
    const created = await rep.create('accounts', { name: 'Delta Test Ltd' });
    await rep.update('accounts', updated!, { name: 'Renamed by a rep' });
    await rep.remove('accounts', deleted!);

    expect(await sync.countChanges('accounts', deltaLink)).toBe(3);
    const delta = await readAll(sync.readPages(accountRead(deltaLink)));
    expect(delta.ids.sort()).toEqual([created, updated].sort());
    expect(delta.pages.flatMap((p) => p.deletedIds)).toEqual([deleted]);
    expect(delta.pages.every((p) => p.isDelta)).toBe(true);
    expect(delta.pages.at(-1)!.deltaLink).not.toBe(deltaLink);
    expect(admin.requestCount('accounts', 'POST')).toBe(1); // only the rep wrote
  });

  it('reports an expired delta token as DeltaTokenExpiredError', async () => {
    const sync = syncClient();
    const { pages } = await readAll(sync.readPages(accountRead(null)));
    admin.expireDeltaTokens('account');
    const deltaLink = pages.at(-1)!.deltaLink!;
    await expect(readAll(sync.readPages(accountRead(deltaLink)))).rejects.toBeInstanceOf(DeltaTokenExpiredError);
    await expect(sync.countChanges('accounts', deltaLink)).rejects.toBeInstanceOf(DeltaTokenExpiredError);
  });
});

describe('security and drift', () => {
  it('gives the limited user nulls for secured columns and privilege_denied on leads', async () => {
    const select = ['name', 'revenue'];
    const revenues = async (username: string) => {
      const { value } = await client(user(username), 200).readPages(accountRead(null, select)).next();
      return (value as ReadPage).rows.map((r) => r.revenue);
    };
    expect((await revenues('sync@contoso.test')).some((v) => typeof v === 'number')).toBe(true);
    expect((await revenues('limited@contoso.test')).every((v) => v === null)).toBe(true);

    const leads = client(user('limited@contoso.test')).readPages({
      entity: 'lead',
      entitySet: 'leads',
      select: ['subject'],
      link: null,
    });
    await expect(leads.next()).rejects.toMatchObject({ kind: 'fatal', code: 'privilege_denied' });
  });

  it('names a selected column that was deleted in Dynamics', async () => {
    admin.addColumn('account', { logicalName: 'new_tier', type: 'String' });
    admin.removeColumn('account', 'new_tier');
    const pages = syncClient().readPages(accountRead(null, ['name', 'new_tier']));
    const error = await pages.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ColumnDeletedError);
    expect(error).toMatchObject({ code: 'column_deleted', column: 'new_tier', entity: 'account' });
  });

  it('reports change tracking turned off', async () => {
    admin.setChangeTracking('opportunity', false);
    try {
      const pages = syncClient().readPages({
        entity: 'opportunity',
        entitySet: 'opportunities',
        select: ['name'],
        link: null,
      });
      await expect(pages.next()).rejects.toMatchObject({ code: 'change_tracking_disabled' });
    } finally {
      admin.setChangeTracking('opportunity', true);
    }
  });
});

describe('faults', () => {
  it('honours a 429 storm: waits out Retry-After and finishes the read', async () => {
    const c = syncClient(500);
    admin.injectFault({ kind: '429', count: 3, entitySet: 'contacts', retryAfterSeconds: 1 });
    const { ids } = await readAll(
      c.readPages({ entity: 'contact', entitySet: 'contacts', select: ['fullname'], link: null }),
    );
    expect(ids.length).toBe(emu.ctx.data.count('contact'));
    const stats = c.requestStats();
    expect(stats.throttledResponses).toBe(3);
    expect(stats.retries).toBe(3);
    // Each 429 paused the user for its Retry-After of one second before the next request went out.
    expect(stats.throttledMs).toBeGreaterThanOrEqual(2_500);
  });

  it('survives 500, 503, reset connections and a malformed page', async () => {
    const c = syncClient(100);
    for (const kind of ['500', '503', 'reset', 'malformed'] as const) {
      admin.injectFault({ kind, count: 1, entitySet: 'accounts', retryAfterSeconds: 0 });
    }
    const { ids } = await readAll(c.readPages(accountRead(null)));
    expect(ids.length).toBe(emu.ctx.data.count('account'));
    expect(new Set(ids).size).toBe(ids.length);
    expect(c.requestStats().retries).toBe(4);
  });

  it('gives up with a RetriableError when the faults outlast the retries', async () => {
    const c = new DataverseClient({
      settings: user('sync@contoso.test'),
      logger: silentLogger(),
      retry: { ...fastRetry, maxRetries: 2 },
    });
    admin.injectFault({ kind: '500', count: 3, entitySet: 'accounts' });
    await expect(c.readPages(accountRead(null)).next()).rejects.toMatchObject({
      kind: 'retriable',
      code: 'server_error',
    });
    admin.clearFaults();
  });
});
