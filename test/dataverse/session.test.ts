import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/index.js';
import { FatalError, RetriableError } from '../../src/domain/index.js';
import { WebApiSession, throttleKey } from '../../src/dataverse/session.js';
import { Throttle } from '../../src/dataverse/throttle.js';
import { TransportError } from '../../src/dataverse/http.js';
import { parseJson } from '../../src/dataverse/pages.js';
import { API, FakeTokens, FakeWebApi, ORG, fail, ok, settings } from './fake-web-api.js';

const fastRetry = { initialDelayMs: 1, maxDelayMs: 1, maxRetries: 2, maxThrottledRetries: 3 };

function session(api: FakeWebApi, tokens = new FakeTokens(), throttle = new Throttle()) {
  return {
    s: new WebApiSession({
      settings,
      logger: silentLogger(),
      tokens,
      http: api.send,
      throttleInstance: throttle,
      retry: fastRetry,
    }),
    tokens,
    throttle,
  };
}

describe('WebApiSession', () => {
  it('sends the Web API headers with the bearer token to the org URL', async () => {
    const api = new FakeWebApi().on('WhoAmI', ok({ UserId: 'u' }));
    const { s } = session(api);
    await s.call({ target: 'WhoAmI', prefer: ['odata.maxpagesize=10', 'odata.track-changes'] }, parseJson);
    const req = api.requests[0]!;
    expect(req.url).toBe(`${API}WhoAmI`);
    expect(req.headers).toMatchObject({
      Accept: 'application/json',
      'OData-MaxVersion': '4.0',
      'OData-Version': '4.0',
      Authorization: 'Bearer t1',
      Prefer: 'odata.maxpagesize=10,odata.track-changes',
    });
  });

  it('signs in again once after a 401 and retries with the new token', async () => {
    const api = new FakeWebApi().on('WhoAmI', (req) =>
      req.headers.Authorization === 'Bearer t1' ? fail(401, '0x80048306', 'expired') : ok({ UserId: 'u' }),
    );
    const { s, tokens } = session(api);
    await expect(s.call({ target: 'WhoAmI' }, parseJson)).resolves.toEqual({ UserId: 'u' });
    expect(tokens.refreshes).toBe(1);
    expect(api.requests.map((r) => r.headers.Authorization)).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('gives auth_failed when the fresh token is refused too', async () => {
    const api = new FakeWebApi().on('WhoAmI', fail(401, '0x80048306', 'The user is not authenticated'));
    const { s, tokens } = session(api);
    await expect(s.call({ target: 'WhoAmI' }, parseJson)).rejects.toMatchObject({ kind: 'fatal', code: 'auth_failed' });
    expect(tokens.refreshes).toBe(1);
    expect(api.requests).toHaveLength(2);
  });

  it('retries a malformed body and a reset connection', async () => {
    const api = new FakeWebApi().on(
      'WhoAmI',
      ok('{"UserId":'),
      new TransportError('network', 'ECONNRESET'),
      ok({ UserId: 'u' }),
    );
    const { s } = session(api);
    await expect(s.call({ target: 'WhoAmI' }, parseJson)).resolves.toEqual({ UserId: 'u' });
    expect(s.stats()).toMatchObject({ requests: 3, retries: 2 });
  });

  it('throws RetriableError with the last cause once retries are spent', async () => {
    const api = new FakeWebApi().on('WhoAmI', fail(503, '', 'down'));
    const { s } = session(api);
    const error = await s.call({ target: 'WhoAmI' }, parseJson).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriableError);
    expect(error).toMatchObject({ code: 'server_error' });
    expect((error as Error).cause).toMatchObject({ status: 503 });
    expect(api.requests).toHaveLength(1 + fastRetry.maxRetries);
  });

  it("pauses the user's throttle for Retry-After on a 429, then succeeds", async () => {
    const api = new FakeWebApi().on(
      'WhoAmI',
      fail(429, '0x80072322', 'limit', { 'retry-after': '0.05' }),
      ok({ UserId: 'u' }),
    );
    const { s, throttle } = session(api);
    await expect(s.call({ target: 'WhoAmI' }, parseJson)).resolves.toEqual({ UserId: 'u' });
    expect(throttle.stats().pauses).toBe(1);
    expect(s.stats()).toMatchObject({ requests: 2, retries: 1, throttledResponses: 1 });
    expect(s.stats().throttledMs).toBeGreaterThan(0);
  });

  it('does not retry a 403 and reports privilege_denied', async () => {
    const api = new FakeWebApi().on(
      'leads',
      fail(403, '0x80040220', 'Principal user is missing prvReadLead privilege'),
    );
    const { s } = session(api);
    await expect(s.call({ target: 'leads?$select=subject' }, parseJson)).rejects.toMatchObject({
      code: 'privilege_denied',
    });
    expect(api.requests).toHaveLength(1);
  });

  it('follows absolute links of the organization only', async () => {
    const api = new FakeWebApi().on('accounts', ok({ value: [] }));
    const { s } = session(api);
    await s.call({ target: `${API}accounts?$skiptoken=x` }, parseJson);
    expect(api.urls()).toEqual([`${API}accounts?$skiptoken=x`]);
    const foreign = s.call({ target: 'https://evil.example/api/data/v9.2/accounts' }, parseJson);
    await expect(foreign).rejects.toBeInstanceOf(FatalError);
    expect(api.requests).toHaveLength(1);
  });
});

describe('throttleKey', () => {
  it('is per org and per user (the app for client credentials)', () => {
    expect(throttleKey(settings)).toBe(`${ORG}|user:sync@contoso.test`);
    expect(throttleKey({ ...settings, authKind: 'client_credentials', clientId: 'app1' })).toBe(`${ORG}|app:app1`);
  });
});
