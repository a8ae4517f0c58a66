/** Control-plane behaviour through the whole emulator (startEmulator), with the real data plane. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAdmin, type EmulatorAdmin } from '../../src/emulator/faults/admin.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { postForm } from './helpers/control-plane-fakes.js';

type Row = Record<string, unknown>;
let emu: EmulatorHandle;
let admin: EmulatorAdmin;
const tokens = new Map<string, string>();

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: 'small', enableAdmin: true });
  admin = createAdmin(emu.ctx);
});
afterAll(() => emu.close());
beforeEach(() => admin.resetRequestCounts());

async function token(user: string): Promise<string> {
  const cached = tokens.get(user);
  if (cached) return cached;
  const res = await postForm(emu.tokenEndpoint, {
    grant_type: 'password',
    client_id: 'dynasync-local',
    username: user,
    password: 'Passw0rd!',
    scope: `${emu.url}/.default`,
  });
  const t = ((await res.json()) as { access_token: string }).access_token;
  tokens.set(user, t);
  return t;
}

async function api(user: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${emu.url}/api/data/v9.2/${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${await token(user)}`,
      accept: 'application/json',
      'content-type': 'application/json',
      ...(init.headers as Record<string, string>),
    },
  });
}

const rows = async (res: Response): Promise<Row[]> => {
  const body = (await res.json()) as { value: Row[] };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.value;
};

describe('security through the data plane', () => {
  it('serves secured columns as null to limited@contoso.test, values to the sync user', async () => {
    const q = 'accounts?$select=name,revenue,creditlimit&$top=20';
    const full = await rows(await api('sync@contoso.test', q));
    const limited = await rows(await api('limited@contoso.test', q));
    expect(full.some((r) => typeof r.revenue === 'number')).toBe(true);
    expect(limited.map((r) => r.name)).toEqual(full.map((r) => r.name));
    expect(limited.every((r) => r.revenue === null && r.creditlimit === null)).toBe(true);
  });

  it('answers 403 PrivilegeDenied to limited@contoso.test on leads', async () => {
    const res = await api('limited@contoso.test', 'leads?$select=fullname');
    expect(res.status).toBe(403);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('0x80040220');
    expect(error.message).toContain('is missing prvReadLead privilege');
  });

  it('reflects a column newly secured at run time', async () => {
    admin.setColumnSecured('account', 'telephone1', true);
    try {
      const limited = await rows(await api('limited@contoso.test', 'accounts?$select=telephone1&$top=5'));
      expect(limited.every((r) => r.telephone1 === null)).toBe(true);
      const meta = (await (
        await api(
          'limited@contoso.test',
          "EntityDefinitions(LogicalName='account')/Attributes(LogicalName='telephone1')?$select=IsSecured",
        )
      ).json()) as Row;
      expect(meta.IsSecured).toBe(true);
    } finally {
      admin.setColumnSecured('account', 'telephone1', false);
    }
  });
});

describe('metadata of the real schema', () => {
  it('describes the standard tables', async () => {
    const res = await api(
      'sync@contoso.test',
      'EntityDefinitions?$select=LogicalName,EntitySetName,ChangeTrackingEnabled',
    );
    const byName = new Map((await rows(res)).map((e) => [e.LogicalName, e]));
    for (const [t, set] of [
      ['account', 'accounts'],
      ['contact', 'contacts'],
      ['lead', 'leads'],
      ['opportunity', 'opportunities'],
      ['systemuser', 'systemusers'],
    ]) {
      expect(byName.get(t)?.EntitySetName).toBe(set);
    }
  });

  it('makes a custom column visible in metadata and readable as data, then gone', async () => {
    admin.addColumn('account', { logicalName: 'new_synctomkto', type: 'Boolean', displayName: 'Sync to Marketo' });
    try {
      const [attr] = await rows(
        await api(
          'sync@contoso.test',
          "EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.BooleanAttributeMetadata?$select=LogicalName&$filter=LogicalName eq 'new_synctomkto'&$expand=OptionSet",
        ),
      );
      expect(attr).toMatchObject({
        LogicalName: 'new_synctomkto',
        OptionSet: { TrueOption: { Value: 1 }, FalseOption: { Value: 0 } },
      });
      const data = await rows(await api('sync@contoso.test', 'accounts?$select=name,new_synctomkto&$top=3'));
      expect(data.every((r) => 'new_synctomkto' in r)).toBe(true);
    } finally {
      admin.removeColumn('account', 'new_synctomkto');
    }
    expect((await api('sync@contoso.test', 'accounts?$select=new_synctomkto&$top=1')).status).toBe(400);
  });
});

describe('request counts through the whole emulator', () => {
  it('proves reads wrote nothing to accounts, and sees a write when there is one', async () => {
    await rows(await api('sync@contoso.test', 'accounts?$select=name&$top=2'));
    await rows(await api('sync@contoso.test', 'contacts?$select=fullname&$top=2'));
    const writes = ['POST', 'PATCH', 'PUT', 'DELETE'].map((m) => admin.requestCount('accounts', m));
    expect(writes).toEqual([0, 0, 0, 0]);
    expect(admin.requestCount('accounts', 'GET')).toBe(1);
    const [first] = await rows(await api('rep@contoso.test', 'accounts?$select=accountid&$top=1'));
    const res = await api('rep@contoso.test', `accounts(${String(first!.accountid)})`, {
      method: 'PATCH',
      body: JSON.stringify({ telephone1: '555-0100' }),
    });
    expect(res.status).toBe(204);
    expect(admin.requestCount('accounts', 'PATCH')).toBe(1);
  });

  it('exposes the same counts over the admin HTTP API', async () => {
    await rows(await api('sync@contoso.test', 'leads?$select=fullname&$top=1'));
    const res = await fetch(`${emu.url}/_emulator/requests`);
    expect(((await res.json()) as { counts: Record<string, Record<string, number>> }).counts.leads).toEqual({ GET: 1 });
  });
});

describe('faults and throttling through the whole emulator', () => {
  it('throttles per user and recovers when the window slides', async () => {
    admin.setLimits({ requests: 2, windowMs: 60_000 });
    try {
      expect((await api('rep@contoso.test', 'WhoAmI')).status).toBe(200);
      expect((await api('rep@contoso.test', 'accounts?$select=name&$top=1')).status).toBe(200);
      const res = await api('rep@contoso.test', 'accounts?$select=name&$top=1');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('60');
      admin.advanceClock({ seconds: 61 });
      expect((await api('rep@contoso.test', 'accounts?$select=name&$top=1')).status).toBe(200);
    } finally {
      admin.setLimits({ requests: 6000, windowMs: 300_000 });
      tokens.clear(); // the clock moved; tokens are still valid but start afresh anyway
    }
  });

  it('expires delta tokens on request', async () => {
    const first = (await (
      await api('sync@contoso.test', 'accounts?$select=name', { headers: { prefer: 'odata.track-changes' } })
    ).json()) as Row;
    const deltaLink = String(first['@odata.deltaLink']);
    expect(deltaLink).toContain('$deltatoken=');
    admin.expireDeltaTokens('account');
    const res = await fetch(deltaLink, {
      headers: { authorization: `Bearer ${await token('sync@contoso.test')}`, prefer: 'odata.track-changes' },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('0x80044352');
  });
});
