/**
 * Security of the REST API (issue 6 item 5, HTTP part): every call needs a live token of a known
 * client; injection through filters, field names, values and paging tokens is refused or inert;
 * request bodies have a size limit; a client's calls are rate limited. And below the API, what a
 * user types never becomes part of an OData URL, and a stored link cannot send the Dynamics token
 * to another host.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveCheckpoint, getCheckpoint } from '../../src/store/checkpoints.js';
import { openHttpWorld, restToken, type HttpWorld } from './helpers/http-world.js';

let world: HttpWorld;
let app: FastifyInstance;
let token: string;
let personCount: number;

beforeAll(async () => {
  world = await openHttpWorld();
  app = await world.server();
  token = await restToken(app, await world.apiClient());
  personCount = (await world.h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM persons')).rows[0]!.n;
});

afterAll(async () => {
  await world?.close();
});

type Envelope = { success: boolean; result?: unknown[]; errors?: { code: string; message: string }[] };
const rest = async (
  url: string,
  opts: {
    token?: string | null;
    query?: Record<string, string>;
    method?: 'GET' | 'POST';
    payload?: unknown;
    headers?: Record<string, string>;
  } = {},
) => {
  const auth = opts.token === null ? {} : { authorization: `Bearer ${opts.token ?? token}` };
  const res = await app.inject({
    method: opts.method ?? 'GET',
    url,
    query: opts.query,
    payload: opts.payload as string,
    headers: { ...auth, ...opts.headers },
  });
  return { status: res.statusCode, body: res.json() as Envelope };
};
const codeOf = (b: Envelope) => b.errors?.[0]?.code;

const ENDPOINTS = [
  '/rest/v1/leads.json?filterType=email&filterValues=a@b.c',
  '/rest/v1/lead/1.json',
  '/rest/v1/leads/describe.json',
  '/rest/v1/companies.json?filterType=company&filterValues=x',
  '/rest/v1/activities/types.json',
];

describe('REST API tokens', () => {
  it('refuses a missing, wrong, malformed or query-smuggled token on every endpoint (601)', async () => {
    for (const url of ENDPOINTS) {
      expect(codeOf((await rest(url, { token: null })).body), `${url} without a token`).toBe('600');
      expect(codeOf((await rest(url, { token: 'x'.repeat(43) })).body), `${url} with a wrong token`).toBe('601');
      expect(
        codeOf((await rest(url, { token: null, headers: { authorization: `Basic ${token}` } })).body),
        `${url} with Basic`,
      ).toBe('601');
      expect((await rest(url)).body.success, `${url} with the token`).toBe(true);
    }
    expect(
      codeOf(
        (await rest('/rest/v1/leads.json', { method: 'POST', token: null, payload: { input: [{ email: 'x@y.z' }] } }))
          .body,
      ),
    ).toBe('600');
  });

  it('refuses an expired token (602)', async () => {
    const shortLived = await world.server({ tokenTtlSeconds: 1 });
    const t = await restToken(shortLived, await world.apiClient());
    const ok = await shortLived.inject({
      url: '/rest/v1/leads/describe.json',
      headers: { authorization: `Bearer ${t}` },
    });
    expect((ok.json() as Envelope).success).toBe(true);
    await sleep(1100);
    const late = await shortLived.inject({
      url: '/rest/v1/leads/describe.json',
      headers: { authorization: `Bearer ${t}` },
    });
    expect(codeOf(late.json() as Envelope)).toBe('602');
  });

  it('gives no token for a wrong secret or an unknown client, and does not echo the secret', async () => {
    const c = await world.apiClient();
    const attempts: Record<string, string>[] = [
      { grant_type: 'client_credentials', client_id: c.clientId, client_secret: 'wrong-secret-x1' },
      {
        grant_type: 'client_credentials',
        client_id: '00000000-0000-4000-8000-000000000000',
        client_secret: c.clientSecret,
      },
      { grant_type: 'client_credentials', client_id: c.clientId },
    ];
    for (const query of attempts) {
      const res = await app.inject({ url: '/identity/oauth/token', query });
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toContain('access_token');
      expect(res.body).not.toContain('wrong-secret-x1');
      expect(res.body).not.toContain(c.clientSecret);
    }
    expect(world.h.logs.lines.join('\n')).not.toContain(c.clientSecret);
  });

  it('rate limits a client (606) without affecting another', async () => {
    const limited = await world.server({ rateLimit: { calls: 3, windowMs: 60_000 } });
    const [a, b] = [
      await restToken(limited, await world.apiClient()),
      await restToken(limited, await world.apiClient()),
    ];
    const call = async (t: string) =>
      codeOf(
        (
          await limited.inject({ url: '/rest/v1/leads/describe.json', headers: { authorization: `Bearer ${t}` } })
        ).json() as Envelope,
      );
    for (let i = 0; i < 3; i++) expect(await call(a)).toBeUndefined();
    expect(await call(a)).toBe('606');
    expect(await call(b)).toBeUndefined();
  });
});

describe('injection through the REST API', () => {
  const probes = [
    "' OR '1'='1",
    "x' OR ''='",
    '%',
    '_',
    "'; DROP TABLE persons; --",
    '\\',
    '" OR 1=1 --',
    "') OR fields ? 'email' --",
  ];

  it('filter values are data, not SQL or patterns: they match nothing', async () => {
    for (const v of probes) {
      for (const [url, filterType] of [
        ['/rest/v1/leads.json', 'email'],
        ['/rest/v1/leads.json', 'firstName'],
        ['/rest/v1/companies.json', 'company'],
      ] as const) {
        const { body } = await rest(url, { query: { filterType, filterValues: v } });
        expect(body.success, `${url} ${filterType}=${v}`).toBe(true);
        expect(body.result, `${url} ${filterType}=${v}`).toEqual([]);
      }
    }
  });

  it('field names and filter types outside the known fields are refused (1003, 1006)', async () => {
    for (const v of [
      "email' OR 1=1 --",
      'fields',
      "fields->>'email'",
      'email,id) --',
      'id; DROP TABLE persons',
      '__proto__',
      'constructor',
    ]) {
      expect(
        codeOf((await rest('/rest/v1/leads.json', { query: { filterType: v, filterValues: 'a@b.c' } })).body),
        `filterType ${v}`,
      ).toBe('1003');
      expect(
        codeOf(
          (
            await rest('/rest/v1/leads.json', {
              query: { filterType: 'email', filterValues: 'a@b.c', fields: `email,${v}` },
            })
          ).body,
        ),
        `fields ${v}`,
      ).toBe('1006');
    }
  });

  it('ids, batch sizes and paging tokens must be what they claim to be', async () => {
    for (const v of ['1 OR 1=1', '1;DROP TABLE persons', '-1', '0x10', '1e3']) {
      expect(
        codeOf((await rest('/rest/v1/leads.json', { query: { filterType: 'id', filterValues: v } })).body),
        `id ${v}`,
      ).toBe('1001');
    }
    expect(
      codeOf(
        (
          await rest('/rest/v1/leads.json', {
            query: { filterType: 'email', filterValues: 'a@b.c', batchSize: '1; DROP' },
          })
        ).body,
      ),
    ).toBe('1001');
    const forged = Buffer.from('leads:1 OR 1=1').toString('base64url');
    const paged = await rest('/rest/v1/leads.json', {
      query: { filterType: 'email', filterValues: 'a@b.c', nextPageToken: forged },
    });
    expect(paged.body.success).toBe(false);
    expect(['1001', '1003', '701']).toContain(codeOf(paged.body));
    const after = (await world.h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM persons')).rows[0]!.n;
    expect(after, 'nothing dropped or added').toBe(personCount);
  });

  it('request bodies over the limit are refused with 413 before any handler', async () => {
    const big = JSON.stringify({ input: [{ email: 'a@b.c', firstName: 'x'.repeat(1_100_000) }] });
    const res = await app.inject({
      method: 'POST',
      url: '/rest/v1/leads.json',
      payload: big,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(413);
    const form = await app.inject({
      method: 'POST',
      url: '/identity/oauth/token',
      payload: `grant_type=client_credentials&x=${'y'.repeat(1_100_000)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.statusCode).toBe(413);
  });
});

describe('nothing a user types reaches an OData URL, and the Dynamics token stays home', () => {
  it('the Dataverse client refuses names and ids that are not names and ids, before sending anything', async () => {
    const { h } = world;
    const mark = h.traffic.mark();
    const reads = [
      { entitySet: 'contacts?$filter=true', select: ['contactid'] },
      { entitySet: 'contacts', select: ['contactid,emailaddress1&$expand=parentcustomerid_account'] },
      { entitySet: 'contacts', select: ["name')/x"] },
      { entitySet: '../../WhoAmI', select: ['x'] },
    ];
    for (const r of reads) {
      await expect(
        (async () => {
          for await (const _ of h.client.readPages({ entity: 'contact', ...r, link: null })) break;
        })(),
      ).rejects.toThrow();
    }
    await expect(h.client.userNames("00000000-0000-0000-0000-000000000000') or (1 eq 1")).rejects.toThrow();
    await expect(h.client.attributes("account')/Attributes?$select=x&(")).rejects.toThrow();
    expect(h.traffic.since(mark), 'no request left the client').toEqual([]);
  });

  it('a stored link pointing at another host is refused, so the bearer token is never sent there', async () => {
    const { h } = world;
    const cp = (await getCheckpoint(h.db, 'contact'))!;
    await saveCheckpoint(h.db, { ...cp, link: 'http://127.0.0.2:9/api/data/v9.2/contacts?$deltatoken=1' }, cp.version);
    const mark = h.traffic.mark();
    const r = await h.cycle();
    const contact = r.tables.find((t) => t.entity === 'contact')!;
    expect(contact.status).toBe('failed');
    expect(contact.error?.code).toBe('invalid_link');
    expect(
      h.traffic.since(mark).filter((e) => e.origin !== world.emu.url),
      'requests to another host',
    ).toEqual([]);
    expect(h.traffic.since(mark).length, 'the other tables still synced').toBeGreaterThan(0);
  });
});
