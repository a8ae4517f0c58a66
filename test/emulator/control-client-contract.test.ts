/**
 * The emulator driven exactly as the sync engine drives it: @azure/msal-node pointed at the local
 * authority (https authority + knownAuthorities + authorityMetadata with an http token_endpoint,
 * dependency-trials.md section 2.5) and dynamics-web-api with onTokenRefresh backed by msal's cache.
 */
import {
  ConfidentialClientApplication,
  InteractionRequiredAuthError,
  PublicClientApplication,
  type AccountInfo,
} from '@azure/msal-node';
import { DynamicsWebApi, type RetrieveMultipleRequest } from 'dynamics-web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';

type Row = Record<string, unknown>;
let emu: EmulatorHandle;
let scopes: string[];
beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: 'small' });
  scopes = [`${emu.url}/.default`];
});
afterAll(() => emu.close());

function msalAuth(clientSecret?: string) {
  const tid = emu.ctx.org.tenantId;
  return {
    clientId: 'dynasync-local',
    ...(clientSecret ? { clientSecret } : {}),
    authority: `https://login.emu.test/${tid}`,
    knownAuthorities: ['login.emu.test'],
    authorityMetadata: JSON.stringify({
      issuer: `https://login.emu.test/${tid}/v2.0`,
      authorization_endpoint: `${emu.url}/${tid}/oauth2/v2.0/authorize`,
      token_endpoint: `${emu.url}/${tid}/oauth2/v2.0/token`,
      jwks_uri: `${emu.url}/${tid}/discovery/v2.0/keys`,
    }),
  };
}

const webApi = (token: () => Promise<string>) =>
  new DynamicsWebApi({ serverUrl: emu.url, dataApi: { version: '9.2' }, onTokenRefresh: token });

/** Follows nextLinks to the end; returns every row and the final page's deltaLink. */
async function readAll(
  api: DynamicsWebApi,
  request: RetrieveMultipleRequest,
): Promise<{ rows: Row[]; pages: number; deltaLink?: string }> {
  const rows: Row[] = [];
  let pages = 0;
  let page = await api.retrieveMultiple<Row>(request);
  for (;;) {
    pages++;
    rows.push(...page.value);
    if (!page.oDataNextLink) return { rows, pages, deltaLink: page.oDataDeltaLink };
    expect(page.oDataDeltaLink).toBeUndefined();
    page = await api.retrieveMultiple<Row>(request, page.oDataNextLink);
  }
}

describe('msal-node PublicClientApplication (ROPC) + dynamics-web-api', () => {
  let pca: PublicClientApplication;
  let account: AccountInfo;
  let api: DynamicsWebApi;
  let forceRefresh = false;

  beforeAll(async () => {
    pca = new PublicClientApplication({ auth: msalAuth() });
    const first = await pca.acquireTokenByUsernamePassword({
      scopes,
      username: 'sync@contoso.test',
      password: 'Passw0rd!',
    });
    account = first!.account!;
    expect(account.username).toBe('sync@contoso.test');
    expect(account.homeAccountId).toBe(`${emu.ctx.identity.userIdByName('sync@contoso.test')}.${emu.ctx.org.tenantId}`);
    api = webApi(async () => (await pca.acquireTokenSilent({ account, scopes, forceRefresh })).accessToken);
  });

  it('identifies the user with WhoAmI', async () => {
    const who = await api.callFunction<{ UserId: string; OrganizationId: string }>('WhoAmI');
    expect(who.UserId).toBe(emu.ctx.identity.userIdByName('sync@contoso.test'));
    expect(who.OrganizationId).toBe(emu.ctx.org.organizationId);
  });

  it('pages contacts with maxPageSize and trackChanges to a deltaLink, then reads a write in the delta', async () => {
    const request: RetrieveMultipleRequest = {
      collection: 'contacts',
      select: ['fullname', '_parentcustomerid_value'],
      maxPageSize: 500,
      trackChanges: true,
    };
    const { rows, pages, deltaLink } = await readAll(api, request);
    const ids = new Set(rows.map((r) => r.contactid));
    expect(pages).toBe(Math.ceil(emu.ctx.data.count('contact') / 500));
    expect(ids.size).toBe(emu.ctx.data.count('contact'));
    expect(rows.length).toBe(ids.size);
    expect(deltaLink).toMatch(new RegExp(`^${emu.url}/api/data/v9\\.2/contacts\\?`));

    const created = await api.create<Row>({ collection: 'contacts', data: { firstname: 'Delta', lastname: 'Probe' } });
    const delta = await api.retrieveMultiple<Row>(request, deltaLink);
    const createdId = typeof created === 'string' ? created : String(created.contactid);
    expect(delta.value.map((r) => r.contactid)).toEqual([createdId]);
    expect(delta.value[0]!.fullname).toBe('Delta Probe');
    expect(delta.oDataDeltaLink).toBeTruthy();
    expect(delta.oDataDeltaLink).not.toBe(deltaLink);
  });

  it('recovers from revoked access tokens by forcing a refresh through msal', async () => {
    createAdmin(emu.ctx).expireAccessTokens();
    const failure = await api.callFunction('WhoAmI').catch((e: unknown) => e);
    expect(failure).toMatchObject({ status: 401 });
    expect((failure as { headers: Record<string, string> }).headers['www-authenticate']).toContain(
      `/${emu.ctx.org.tenantId}/oauth2/authorize`,
    );
    forceRefresh = true; // what the engine does after a 401: a refresh-token grant
    try {
      expect((await api.callFunction<{ UserId: string }>('WhoAmI')).UserId).toBe(account.localAccountId);
    } finally {
      forceRefresh = false;
    }
  });

  it('surfaces MFA as InteractionRequiredAuthError with AADSTS50076', async () => {
    const err = await pca
      .acquireTokenByUsernamePassword({ scopes, username: 'mfa@contoso.test', password: 'Passw0rd!' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InteractionRequiredAuthError);
    expect(err).toMatchObject({ errorCode: 'invalid_grant', subError: 'basic_action', errorNo: 50076 });
  });

  it('surfaces a wrong password as a ServerError with AADSTS50126', async () => {
    const err = await pca
      .acquireTokenByUsernamePassword({ scopes, username: 'sync@contoso.test', password: 'wrong' })
      .catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(InteractionRequiredAuthError);
    expect(err).toMatchObject({ errorCode: 'invalid_grant', errorNo: 50126 });
  });
});

describe('msal-node ConfidentialClientApplication (client credentials) + dynamics-web-api', () => {
  it('pages accounts to a deltaLink and sees an update and a delete in the delta', async () => {
    const cca = new ConfidentialClientApplication({ auth: msalAuth('local-secret') });
    const token = async () => (await cca.acquireTokenByClientCredential({ scopes }))!.accessToken;
    const api = webApi(token);
    const who = await api.callFunction<{ UserId: string }>('WhoAmI');
    expect(emu.ctx.identity.users().find((u) => u.id === who.UserId)?.fullName).toBe('# dynasync-local');

    const request: RetrieveMultipleRequest = {
      collection: 'accounts',
      select: ['name', 'revenue'],
      maxPageSize: 50,
      trackChanges: true,
    };
    const { rows, pages, deltaLink } = await readAll(api, request);
    expect(pages).toBe(Math.ceil(emu.ctx.data.count('account') / 50));
    expect(new Set(rows.map((r) => r.accountid)).size).toBe(emu.ctx.data.count('account'));
    // The application user reads secured columns (revenue is secured).
    expect(rows.some((r) => typeof r.revenue === 'number')).toBe(true);

    const [changed, removed] = [String(rows[3]!.accountid), String(rows[7]!.accountid)];
    await api.update({ collection: 'accounts', key: changed, data: { name: 'Renamed by the contract test' } });
    await api.deleteRecord({ collection: 'accounts', key: removed });
    const delta = await api.retrieveMultiple<Row>(request, deltaLink);
    const updated = delta.value.find((r) => r.accountid === changed);
    expect(updated?.name).toBe('Renamed by the contract test');
    const deleted = delta.value.find((r) => String(r['@odata.context'] ?? '').endsWith('$deletedEntity'));
    expect(deleted).toMatchObject({ id: removed, reason: 'deleted' });
    expect(delta.value).toHaveLength(2);
  });

  it('fails with AADSTS7000215 for a wrong secret', async () => {
    const cca = new ConfidentialClientApplication({ auth: msalAuth('wrong-secret') });
    const err = await cca.acquireTokenByClientCredential({ scopes }).catch((e: unknown) => e);
    expect(err).toMatchObject({ errorCode: 'invalid_client', errorNo: 7000215 });
  });
});
