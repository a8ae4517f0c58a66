import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlaneHarness } from './helpers/control-plane-fakes.js';

let h: ControlPlaneHarness;
let token: string;
beforeAll(async () => {
  h = await startControlPlane({ enableAdmin: true });
  token = await h.token('sync@contoso.test');
});
afterAll(() => h.close());
beforeEach(() => {
  h.admin.clearFaults();
  h.admin.resetRequestCounts();
});

const get = (path: string) => h.get(path, { token });
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

describe('injected faults', () => {
  it('answers the next N responses with 429 and Retry-After, then recovers', async () => {
    h.admin.injectFault({ kind: '429', count: 2, retryAfterSeconds: 7 });
    for (let i = 0; i < 2; i++) {
      const res = await get('accounts');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect((await errorOf(res)).code).toBe('0x80072322');
    }
    expect((await get('accounts')).status).toBe(200);
  });

  it('limits a fault to one entity set when asked', async () => {
    h.admin.injectFault({ kind: '500', entitySet: 'leads' });
    expect((await get('accounts')).status).toBe(200);
    expect(h.admin.pendingFaults()).toEqual([expect.objectContaining({ kind: '500', entitySet: 'leads', count: 1 })]);
    const res = await get('leads');
    expect(res.status).toBe(500);
    expect(await errorOf(res)).toEqual({ code: '0x80044150', message: 'Generic SQL error.' });
    expect(h.admin.pendingFaults()).toEqual([]);
  });

  it('answers 503 with Retry-After', async () => {
    h.admin.injectFault({ kind: '503', retryAfterSeconds: 3 });
    const res = await get('accounts');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('3');
  });

  it('delays a slow response, which still succeeds', async () => {
    h.admin.injectFault({ kind: 'slow', delayMs: 300 });
    const started = Date.now();
    const res = await get('accounts');
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('resets the connection', async () => {
    h.admin.injectFault({ kind: 'reset' });
    await expect(get('accounts')).rejects.toThrow(/fetch failed/);
    expect((await get('accounts')).status).toBe(200);
  });

  it('sends a truncated JSON body with status 200', async () => {
    h.admin.injectFault({ kind: 'malformed' });
    const res = await get('accounts');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.startsWith('{"@odata.context":')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
    const next = await (await get('accounts')).text();
    expect(() => JSON.parse(next)).not.toThrow();
  });

  it('queues faults in order', async () => {
    h.admin.injectFault({ kind: '500' });
    h.admin.injectFault({ kind: '429', retryAfterSeconds: 1 });
    expect([(await get('WhoAmI')).status, (await get('WhoAmI')).status, (await get('WhoAmI')).status]).toEqual([
      500, 429, 200,
    ]);
  });

  it('rejects bad fault specs', () => {
    expect(() => h.admin.injectFault({ kind: 'explode' as never })).toThrow(/kind/);
    expect(() => h.admin.injectFault({ kind: '429', count: 0 })).toThrow(/count/);
  });
});

describe('data-plane controls', () => {
  it('forwards delta-token expiry and record corruption to the data plane', () => {
    h.admin.expireDeltaTokens('accounts');
    h.admin.expireDeltaTokens();
    h.admin.corruptRecord('account', 'ABC', 'name', 'x'.repeat(3));
    expect(h.data.calls.slice(-3)).toEqual([
      'expireDeltaTokens(account)',
      'expireDeltaTokens(*)',
      'corrupt(account,abc,name,"xxx")',
    ]);
    expect(() => h.admin.corruptRecord('account', 'abc', 'nope', 1)).toThrow(/unknown column 'account.nope'/);
  });

  it('sets the organization change-tracking expiry', () => {
    h.admin.setChangeTrackingExpiryDays(2);
    expect(h.ctx.org.changeTrackingExpiryDays).toBe(2);
    expect(() => h.admin.setChangeTrackingExpiryDays(-1)).toThrow(/days/);
  });
});

describe('request counts', () => {
  it('counts requests per entity set and method, including inside $batch', async () => {
    await get('accounts');
    await get('accounts');
    await get('WhoAmI');
    await fetch(`${h.api}accounts(00000000-0000-0000-0000-000000000001)`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const batch = [
      '--batch_1',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      `GET ${h.api}leads?$select=fullname HTTP/1.1`,
      'Accept: application/json',
      '',
      '--batch_1',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      'DELETE /api/data/v9.2/accounts(00000000-0000-0000-0000-000000000002) HTTP/1.1',
      '',
      '--batch_1--',
      '',
    ].join('\r\n');
    await fetch(`${h.api}$batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/mixed; boundary=batch_1' },
      body: batch,
    });
    expect(h.admin.requestCounts()).toEqual({
      accounts: { GET: 2, PATCH: 1, DELETE: 1 },
      WhoAmI: { GET: 1 },
      $batch: { POST: 1 },
      leads: { GET: 1 },
    });
    expect(h.admin.requestCount('accounts')).toBe(4);
    expect(h.admin.requestCount('accounts', 'post')).toBe(0);
    h.admin.resetRequestCounts();
    expect(h.admin.requestCounts()).toEqual({});
  });

  it('counts rejected requests too (they reached the server)', async () => {
    await fetch(`${h.api}contacts`);
    expect(h.admin.requestCount('contacts', 'GET')).toBe(1);
  });
});

describe('admin HTTP API', () => {
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${h.url}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('injects faults and reads request counts', async () => {
    const res = await admin('POST', '/faults', { kind: '429', entitySet: 'accounts', retryAfterSeconds: 2 });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { faults: unknown[] }).faults).toHaveLength(1);
    expect((await get('accounts')).status).toBe(429);
    const counts = (await (await admin('GET', '/requests')).json()) as {
      counts: Record<string, Record<string, number>>;
      executionMs: Record<string, number>;
    };
    expect(counts.counts.accounts).toEqual({ GET: 1 });
    // The execution time service protection charged, per user id (the 429 too: it was admitted).
    expect(Object.values(counts.executionMs)).toEqual([expect.any(Number)]);
    expect((await admin('DELETE', '/requests')).status).toBe(204);
    expect(await (await admin('GET', '/requests')).json()).toEqual({ counts: {}, byUser: {}, executionMs: {} });
  });

  it('advances the clock and expires tokens', async () => {
    const before = Date.parse(((await (await admin('GET', '/clock')).json()) as { now: string }).now);
    const after = Date.parse(
      ((await (await admin('POST', '/clock/advance', { seconds: 30 })).json()) as { now: string }).now,
    );
    expect(after - before).toBeGreaterThanOrEqual(30_000);
    const t = await h.token('rep@contoso.test');
    expect((await admin('POST', '/tokens/expire')).status).toBe(204);
    expect((await h.get('WhoAmI', { token: t })).status).toBe(401);
    token = await h.token('sync@contoso.test');
  });

  it('manages users, privileges, secured columns, change tracking and custom columns', async () => {
    expect((await admin('POST', '/users', { name: 'temp@contoso.test', denyRead: ['account'] })).status).toBe(200);
    const t = await h.token('temp@contoso.test');
    expect((await h.get('accounts', { token: t })).status).toBe(403);
    expect((await admin('PUT', '/users/temp@contoso.test/privileges/accounts', { read: true })).status).toBe(204);
    const row = async () =>
      ((await (await h.get('accounts', { token: t })).json()) as { value: Record<string, unknown>[] }).value[0]!;
    expect((await row()).creditlimit).toBeNull();
    expect(
      (await admin('PUT', '/users/temp@contoso.test/secured-columns/account/creditlimit', { read: true })).status,
    ).toBe(204);
    expect((await row()).creditlimit).toBe(1000);
    expect((await admin('PUT', '/tables/account/columns/creditlimit/secured', { secured: false })).status).toBe(204);
    expect(h.ctx.schema.table('account')!.columns.get('creditlimit')!.isSecured).toBe(false);
    await admin('PUT', '/tables/account/columns/creditlimit/secured', { secured: true });
    expect((await admin('PUT', '/tables/lead/change-tracking', { enabled: false })).status).toBe(204);
    expect(h.ctx.schema.table('lead')!.changeTrackingEnabled).toBe(false);
    await admin('PUT', '/tables/lead/change-tracking', { enabled: true });
    const added = await admin('POST', '/tables/account/columns', { logicalName: 'new_score', type: 'Integer' });
    expect(await added.json()).toMatchObject({ logicalName: 'new_score', type: 'Integer', isCustom: true });
    expect((await admin('DELETE', '/tables/account/columns/new_score')).status).toBe(204);
    expect(h.ctx.schema.table('account')!.columns.has('new_score')).toBe(false);
    expect((await admin('PUT', '/change-tracking/expiry-days', { days: 3 })).status).toBe(204);
    expect((await admin('POST', '/delta-tokens/expire', { table: 'lead' })).status).toBe(204);
    expect(
      (
        await admin('POST', '/records/account/00000000-0000-0000-0000-000000000009/corrupt', {
          column: 'name',
          value: 42,
        })
      ).status,
    ).toBe(204);
    expect(h.data.calls.slice(-2)).toEqual([
      'expireDeltaTokens(lead)',
      'corrupt(account,00000000-0000-0000-0000-000000000009,name,42)',
    ]);
  });

  it('answers 400 with a clear message on bad input', async () => {
    const cases: [string, string, unknown, RegExp][] = [
      ['POST', '/faults', { kind: 'boom' }, /kind/],
      ['POST', '/clock/advance', { ms: 1, days: 1 }, /exactly one of ms, seconds, days/],
      ['PUT', '/users/nobody@contoso.test/privileges/account', { read: true }, /unknown user 'nobody@contoso.test'/],
      ['PUT', '/users/rep@contoso.test/privileges/nope', { read: true }, /unknown table 'nope'/],
      ['PUT', '/limits', { requests: 'many' }, /requests/],
      ['POST', '/users', { name: 'not-an-upn' }, /UPN/],
      ['POST', '/tables/account/columns', { logicalName: 'new_x', type: 'Lookup' }, /needs targets/],
    ];
    for (const [method, path, body, message] of cases) {
      const res = await admin(method, path, body);
      expect(res.status, path).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('BadRequest');
      expect(error.message).toMatch(message);
    }
  });
});

describe('admin HTTP API when disabled', () => {
  it('is not served unless enableAdmin', async () => {
    const off = await startControlPlane();
    try {
      expect((await fetch(`${off.url}/_emulator/requests`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
