/** $batch as Microsoft's "Execute batch operations using the Web API" describes it, over real HTTP. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendBatch, startClient, type EmulatorClient, type Row } from './helpers/emulator-client.js';

let c: EmulatorClient;
beforeAll(async () => {
  c = await startClient({ seed: 'none', enableAdmin: true });
});
afterAll(() => c.close());
beforeEach(() => c.admin.resetRequestCounts());

const lead = (extra: Row = {}): Row => ({ subject: 'Batch', lastname: 'Doe', ...extra });
const get = async (path: string): Promise<Response> => c.send('GET', path);

describe('change sets', () => {
  it('commit every request, answer a nested changesetresponse with Content-ID, Location and OData-EntityId', async () => {
    const id = randomUUID();
    const { res, text, parts } = await sendBatch(c, [
      {
        changeset: [
          { method: 'POST', url: '/api/data/v9.2/leads', body: lead({ leadid: id }), contentId: '1' },
          { method: 'PATCH', url: '$1', body: { jobtitle: 'Buyer' }, contentId: '2' },
          { method: 'PUT', url: '$1/firstname', body: { value: 'Jane' }, contentId: '3' },
        ],
      },
    ]);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^multipart\/mixed; boundary=batchresponse_/);
    expect(text).toMatch(/Content-Type: multipart\/mixed; boundary=changesetresponse_/);
    expect(parts.map((p) => p.status)).toEqual([204, 204, 204]);
    expect(parts[0]!.headers['odata-entityid']).toBe(`${c.api}leads(${id})`);
    expect(parts[0]!.headers.location).toBe(`${c.api}leads(${id})`);
    expect(text).toMatch(/Content-ID: 1\r\n/);
    const row = (await (await get(`leads(${id})?$select=jobtitle,firstname`)).json()) as Row;
    expect(row).toMatchObject({ jobtitle: 'Buyer', firstname: 'Jane' });
  });

  it('resolve $n in @odata.bind of a later request', async () => {
    const contactId = randomUUID();
    const { parts } = await sendBatch(c, [
      {
        changeset: [
          { method: 'POST', url: 'contacts', body: { lastname: 'Ref', contactid: contactId }, contentId: '1' },
          { method: 'POST', url: 'leads', body: lead({ 'parentcontactid@odata.bind': '$1' }), contentId: '2' },
        ],
      },
    ]);
    expect(parts.map((p) => p.status)).toEqual([204, 204]);
    const leadUri = parts[1]!.headers['odata-entityid']!;
    const row = (await (await c.send('GET', `${leadUri}?$select=_parentcontactid_value`)).json()) as Row;
    expect(row._parentcontactid_value).toBe(contactId);
  });

  it('are all or nothing: a failing request rolls back the earlier ones, and no delta shows them', async () => {
    const tracked = (await (
      await c.send('GET', 'leads?$select=lastname', undefined, { Prefer: 'odata.track-changes' })
    ).json()) as Row;
    const existing = randomUUID();
    expect((await c.send('POST', 'leads', lead({ leadid: existing, jobtitle: 'Before' }))).status).toBe(204);
    const before = (await (await c.send('GET', tracked['@odata.deltaLink'] as string)).json()) as {
      value: Row[];
      '@odata.deltaLink': string;
    };
    const created = randomUUID();
    const { res, parts } = await sendBatch(c, [
      {
        changeset: [
          { method: 'POST', url: 'leads', body: lead({ leadid: created }), contentId: '1' },
          { method: 'PATCH', url: `leads(${existing})`, body: { jobtitle: 'After' }, contentId: '2' },
          { method: 'POST', url: 'leads', body: { subject: 'x'.repeat(301), lastname: 'Long' }, contentId: '3' },
        ],
      },
    ]);
    expect(res.status).toBe(400);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.status).toBe(400);
    expect(JSON.parse(parts[0]!.body).error.code).toBe('0x80044331');
    expect((await get(`leads(${created})`)).status).toBe(404);
    expect(((await (await get(`leads(${existing})?$select=jobtitle`)).json()) as Row).jobtitle).toBe('Before');
    const delta = (await (await c.send('GET', before['@odata.deltaLink'])).json()) as { value: Row[] };
    expect(delta.value).toEqual([]);
    // The rolled-back id is free: creating it again works.
    expect((await c.send('POST', 'leads', lead({ leadid: created }))).status).toBe(204);
  });

  it('refuse an undeclared Content-ID reference with 400', async () => {
    const { res, parts } = await sendBatch(c, [
      { changeset: [{ method: 'PATCH', url: '$7', body: { jobtitle: 'x' }, contentId: '1' }] },
    ]);
    expect(res.status).toBe(400);
    expect(JSON.parse(parts[0]!.body).error.message).toBe(
      "Content-ID Reference: '$7' does not exist in the batch context.",
    );
  });

  it('cannot contain a GET', async () => {
    const { res } = await sendBatch(c, [{ changeset: [{ method: 'GET', url: 'leads' }] }]);
    expect(res.status).toBe(400);
  });
});

describe('errors outside change sets', () => {
  it('stop the batch at the first failure with 400, or carry on with Prefer: odata.continue-on-error', async () => {
    const ok = randomUUID();
    const items = [
      { method: 'POST', url: 'leads', body: { lastname: 'NoSubject' } },
      { method: 'POST', url: 'leads', body: lead({ leadid: ok }) },
    ];
    const stopped = await sendBatch(c, items);
    expect(stopped.res.status).toBe(400);
    expect(stopped.parts.map((p) => p.status)).toEqual([400]);
    expect((await get(`leads(${ok})`)).status).toBe(404);

    const carried = await sendBatch(c, items, { Prefer: 'odata.continue-on-error' });
    expect(carried.res.status).toBe(200);
    expect(carried.res.headers.get('preference-applied')).toBe('odata.continue-on-error');
    expect(carried.parts.map((p) => p.status)).toEqual([400, 204]);
    expect((await get(`leads(${ok})`)).status).toBe(200);
  });

  it('a failed change set under continue-on-error is rolled back and the next part still runs', async () => {
    const a = randomUUID();
    const b = randomUUID();
    const { res, parts } = await sendBatch(
      c,
      [
        {
          changeset: [
            { method: 'POST', url: 'leads', body: lead({ leadid: a }), contentId: '1' },
            { method: 'POST', url: 'leads', body: lead({ leadid: a }), contentId: '2' },
          ],
        },
        { method: 'POST', url: 'leads', body: lead({ leadid: b }) },
      ],
      { Prefer: 'odata.continue-on-error' },
    );
    expect(res.status).toBe(200);
    expect(parts.map((p) => p.status)).toEqual([412, 204]);
    expect((await get(`leads(${a})`)).status).toBe(404);
    expect((await get(`leads(${b})`)).status).toBe(200);
  });
});

describe('limits and counting', () => {
  it('accepts 1,000 requests and refuses 1,001', async () => {
    const many = (n: number) =>
      Array.from({ length: n }, () => ({ method: 'GET', url: 'leads?$top=1&$select=lastname' }));
    expect((await sendBatch(c, many(1000))).res.status).toBe(200);
    const over = await sendBatch(c, many(1001));
    expect(over.res.status).toBe(400);
  });

  it('counts as one request against service protection, while request counts name every inner write', async () => {
    const probe = await get('leads?$top=1');
    const before = Number(probe.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests'));
    const { res } = await sendBatch(
      c,
      Array.from({ length: 10 }, () => ({ method: 'POST', url: 'leads', body: lead() })),
    );
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests'))).toBe(before - 1);
    expect(c.admin.requestCount('leads', 'POST')).toBe(10);
    expect(c.admin.requestCount('$batch', 'POST')).toBe(1);
  });
});
