/**
 * Issue 13 §3: one emulator process serves many organizations, by path prefix (and by host name),
 * each with its own identities, data, seed and limits, built on first use so that idle
 * organizations cost next to nothing.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/index.js';
import { DataverseWriter } from '../../src/dataverse/index.js';
import { DEFAULT_APP_ID, DEFAULT_PASSWORD, startEmulatorFleet, type EmulatorFleet } from '../../src/emulator/index.js';
import { WebApi } from '../reliability/helpers/web-api.js';

describe('emulator fleet', () => {
  let fleet: EmulatorFleet;

  beforeAll(async () => {
    fleet = await startEmulatorFleet({
      defaults: { seed: 2 },
      orgs: { alpha: { seed: 3 }, beta: { seed: 'none' }, tight: { seed: 'none', limits: { requests: 3 } } },
    });
  });
  afterAll(async () => fleet?.close());

  it('keeps each organization its own data, seed and tokens; paging links keep the prefix', async () => {
    const alpha = (await fleet.org('alpha'))!;
    const beta = (await fleet.org('beta'))!;
    expect(alpha.url).toBe(`${fleet.url}/alpha`);
    const a = new WebApi(alpha);
    const b = new WebApi(beta);
    expect(await a.readAll('accounts', ['accountid'])).toHaveLength(3);
    expect(await b.readAll('accounts', ['accountid'])).toHaveLength(0);

    // The product's own client, through the prefix (token endpoint under /alpha/contoso/…).
    const writer = new DataverseWriter({
      settings: {
        orgUrl: alpha.url,
        authKind: 'password',
        username: 'rep@contoso.test',
        password: DEFAULT_PASSWORD,
        clientId: DEFAULT_APP_ID,
        tenant: alpha.tenant,
        authority: alpha.authority,
      },
      logger: silentLogger(),
    });
    const id = await writer.create('contacts', { lastname: 'Only-In-Alpha' });
    expect((await a.readAll('contacts', ['lastname'], "lastname eq 'Only-In-Alpha'")).map((r) => r.contactid)).toEqual([
      id,
    ]);
    expect(await b.readAll('contacts', ['lastname'], "lastname eq 'Only-In-Alpha'")).toEqual([]);

    // A token signed by alpha's identity service means nothing to beta.
    const res = await fetch(`${beta.url}/api/data/v9.2/accounts`, {
      headers: { authorization: `Bearer ${await a.token()}` },
    });
    expect(res.status).toBe(401);

    // nextLink stays inside the organization.
    const page = await a.request('GET', 'contacts?$select=contactid', undefined, { prefer: 'odata.maxpagesize=5' });
    const next = (page.json as { '@odata.nextLink'?: string })['@odata.nextLink'];
    expect(next?.startsWith(`${alpha.url}/api/data/v9.2/contacts`)).toBe(true);
    const second = await a.request('GET', next!);
    expect((second.json as { value: unknown[] }).value.length).toBeGreaterThan(0);
  });

  it('applies each organization its own limits', async () => {
    const tight = (await fleet.org('tight'))!;
    const token = await new WebApi(tight).token();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${tight.url}/api/data/v9.2/WhoAmI`, { headers: { authorization: `Bearer ${token}` } });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    // alpha, with the default limits, is not throttled by tight's budget.
    const alpha = new WebApi((await fleet.org('alpha'))!);
    expect((await alpha.request('GET', 'WhoAmI')).status).toBe(200);
  });

  it('creates organizations lazily or by the admin route, builds them on first use, routes by host name', async () => {
    const before = fleet.stats();
    const created = await fetch(`${fleet.url}/_fleet/orgs`, {
      method: 'POST',
      body: JSON.stringify({ name: 'gamma', seed: 1 }),
    });
    expect(created.status).toBe(201);
    const again = await fetch(`${fleet.url}/_fleet/orgs`, { method: 'POST', body: JSON.stringify({ name: 'gamma' }) });
    expect(again.status).toBe(409);
    expect(fleet.stats()).toEqual({ registered: before.registered + 1, built: before.built });
    // Lazily: an unknown name is an organization with the defaults (seed 2 accounts).
    expect(
      await new WebApi({
        url: fleet.urlOf('delta'),
        tokenEndpoint: `${fleet.url}/delta/oauth2/v2.0/token`,
      }).readAll('accounts', ['accountid']),
    ).toHaveLength(2);
    expect(fleet.stats().built).toBe(before.built + 1);

    // By host name: gamma.<anything> reaches gamma with no prefix.
    const gamma = new WebApi((await fleet.org('gamma'))!);
    const token = await gamma.token();
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: fleet.port,
          path: '/api/data/v9.2/accounts?$select=accountid',
          headers: { host: `gamma.crm.emulator.test:${fleet.port}`, authorization: `Bearer ${token}` },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect((JSON.parse(body) as { value: unknown[] }).value).toHaveLength(1);

    const list = (await (await fetch(`${fleet.url}/_fleet/orgs`)).json()) as { value: { name: string }[] };
    expect(list.value.map((o) => o.name)).toEqual(expect.arrayContaining(['alpha', 'beta', 'gamma', 'delta']));
    expect((await fetch(`${fleet.url}/_fleet/orgs/delta`, { method: 'DELETE' })).status).toBe(204);
    expect(fleet.stats().registered).toBe(before.registered + 1);
  });

  it('holds a thousand registered organizations, and a hundred built ones, in little memory', async () => {
    const many = await startEmulatorFleet({ defaults: { seed: 1 }, lazy: false });
    try {
      globalThis.gc?.();
      const heap0 = process.memoryUsage().heapUsed;
      for (let i = 0; i < 1000; i++) many.add(`idle-${i}`);
      expect(many.stats()).toEqual({ registered: 1000, built: 0 });
      for (let i = 0; i < 100; i++) await many.org(`idle-${i}`);
      expect(many.stats().built).toBe(100);
      const perBuiltKb = (process.memoryUsage().heapUsed - heap0) / 100 / 1024;
      // Seen: about 0.3-0.6 MB per built organization (its schema registry, app and one account).
      expect(perBuiltKb).toBeLessThan(4096);
      expect(await many.org('not-registered')).toBeUndefined();
    } finally {
      await many.close();
    }
  }, 120_000);
});
