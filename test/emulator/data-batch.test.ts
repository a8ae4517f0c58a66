import { DynamicsWebApi } from 'dynamics-web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataPlaneServer, type TestServer } from './helpers/data-plane-server.js';

let s: TestServer;
let client: DynamicsWebApi;
beforeAll(async () => {
  s = await startDataPlaneServer({ seed: 40 });
  client = new DynamicsWebApi({
    serverUrl: `${s.url}/`,
    dataApi: { version: '9.2' },
    onTokenRefresh: async () => 'test-token',
  });
});
afterAll(() => s.close());

const CRLF = '\r\n';

function batchBody(boundary: string, parts: string[]): string {
  return (
    parts
      .map(
        (p) =>
          `--${boundary}${CRLF}Content-Type: application/http${CRLF}Content-Transfer-Encoding: binary${CRLF}${CRLF}${p}${CRLF}`,
      )
      .join('') + `--${boundary}--${CRLF}`
  );
}

describe('$batch over raw HTTP', () => {
  it('runs GET parts and answers multipart/mixed with embedded responses', async () => {
    const body = batchBody('batch_A', [
      `GET /api/data/v9.2/accounts?$select=name&$top=2 HTTP/1.1${CRLF}Accept: application/json${CRLF}`,
      `GET ${s.api}contacts/$count HTTP/1.1${CRLF}`,
    ]);
    const res = await s.send('POST', '$batch', body, { 'content-type': 'multipart/mixed; boundary="batch_A"' });
    expect(res.status).toBe(200);
    const boundary = /boundary=(batchresponse_[0-9a-f-]{36})$/.exec(res.headers.get('content-type')!)![1]!;
    const text = await res.text();
    expect(text.startsWith(`--${boundary}\r\n`)).toBe(true);
    expect(text.endsWith(`--${boundary}--\r\n`)).toBe(true);
    const parts = text.split(`--${boundary}`).slice(1, -1);
    expect(parts).toHaveLength(2);
    expect(parts[0]).toContain('HTTP/1.1 200 OK');
    const json = JSON.parse(parts[0]!.slice(parts[0]!.indexOf('{'), parts[0]!.lastIndexOf('}') + 1)) as {
      value: unknown[];
    };
    expect(json.value).toHaveLength(2);
    expect(parts[1]).toMatch(/Content-Type: text\/plain[^\r]*\r\n(?:[^\r]*\r\n)*\r\n400\r\n$/);
  });

  it('stops at the first failure with 400 unless odata.continue-on-error', async () => {
    const body = batchBody('b', [
      `GET /api/data/v9.2/accounts?$skip=1 HTTP/1.1${CRLF}`,
      `GET /api/data/v9.2/accounts?$top=1 HTTP/1.1${CRLF}`,
    ]);
    const stop = await s.send('POST', '$batch', body, { 'content-type': 'multipart/mixed;boundary=b' });
    expect(stop.status).toBe(400);
    const stopText = await stop.text();
    expect(stopText).toContain('HTTP/1.1 400 Bad Request');
    expect(stopText).not.toContain('HTTP/1.1 200 OK');
    const cont = await s.send('POST', '$batch', body, {
      'content-type': 'multipart/mixed;boundary=b',
      Prefer: 'odata.continue-on-error',
    });
    expect(cont.status).toBe(200);
    const text = await cont.text();
    expect(text).toContain('HTTP/1.1 400 Bad Request');
    expect(text).toContain('HTTP/1.1 200 OK');
  });

  it('runs a change set of writes with Content-ID references', async () => {
    const cs = 'changeset_1';
    const inner = [
      `--${cs}${CRLF}Content-Type: application/http${CRLF}Content-Transfer-Encoding: binary${CRLF}Content-ID: 1${CRLF}${CRLF}POST /api/data/v9.2/accounts HTTP/1.1${CRLF}Content-Type: application/json${CRLF}${CRLF}{"name":"From batch"}${CRLF}`,
      `--${cs}${CRLF}Content-Type: application/http${CRLF}Content-Transfer-Encoding: binary${CRLF}Content-ID: 2${CRLF}${CRLF}PATCH $1 HTTP/1.1${CRLF}Content-Type: application/json${CRLF}${CRLF}{"telephone1":"555-0101"}${CRLF}`,
      `--${cs}--${CRLF}`,
    ].join('');
    const body = `--batch_W${CRLF}Content-Type: multipart/mixed; boundary=${cs}${CRLF}${CRLF}${inner}--batch_W--${CRLF}`;
    const res = await s.send('POST', '$batch', body, { 'content-type': 'multipart/mixed; boundary=batch_W' });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.match(/HTTP\/1\.1 204 No Content/g)).toHaveLength(2);
    const id = /OData-EntityId: .*accounts\(([0-9a-f-]{36})\)/.exec(text)![1]!;
    const row = (await (await s.get(`accounts(${id})?$select=name,telephone1`)).json()) as Record<string, unknown>;
    expect(row).toMatchObject({ name: 'From batch', telephone1: '555-0101' });
  });

  it('refuses more than 1,000 requests', async () => {
    const body = batchBody(
      'big',
      Array.from({ length: 1001 }, () => `GET /api/data/v9.2/accounts/$count HTTP/1.1${CRLF}`),
    );
    const res = await s.send('POST', '$batch', body, { 'content-type': 'multipart/mixed; boundary=big' });
    expect(res.status).toBe(400);
  });
});

describe('with dynamics-web-api', () => {
  it('parses pages, follows nextLink and deltaLink built from its own base URL', async () => {
    const request = { collection: 'contacts', select: ['lastname'], maxPageSize: 150, trackChanges: true };
    let page = await client.retrieveMultiple(request);
    const ids: string[] = page.value.map((r) => r.contactid as string);
    while (page.oDataNextLink) {
      page = await client.retrieveMultiple(request, page.oDataNextLink);
      ids.push(...page.value.map((r) => r.contactid as string));
    }
    expect(ids).toHaveLength(400);
    expect(page.oDataDeltaLink).toBeDefined();
    const changed = s.data.ids('contact', 1)[0]!;
    s.data.update(s.principal(), 'contact', changed, { lastname: 'Delta' });
    const delta = await client.retrieveMultiple(request, page.oDataDeltaLink);
    expect(delta.value).toEqual([expect.objectContaining({ contactid: changed, lastname: 'Delta' })]);
  });

  it('executes a startBatch/executeBatch of GETs and a count', async () => {
    client.startBatch();
    void client.retrieveMultiple({ collection: 'accounts', select: ['name'], top: 3 });
    void client.count({ collection: 'contacts' });
    void client.retrieve({ collection: 'accounts', key: s.data.ids('account', 1)[0]!, select: ['name'] });
    const results = (await client.executeBatch()) as unknown[];
    expect(results).toHaveLength(3);
    expect((results[0] as { value: unknown[] }).value).toHaveLength(3);
    expect(results[1]).toBe(400);
    expect((results[2] as { accountid: string }).accountid).toBe(s.data.ids('account', 1)[0]);
  });

  it('answers a long GET that dynamics-web-api converts to $batch', async () => {
    const ids = s.data.ids('contact', 60);
    const filter = ids.map((id) => `contactid eq ${id}`).join(' or ');
    expect(filter.length).toBeGreaterThan(2000);
    const res = await client.retrieveMultiple({ collection: 'contacts', select: ['lastname'], filter });
    expect(res.value.map((r) => r.contactid)).toEqual(ids);
  });

  it('creates through a change set and returns the new id', async () => {
    client.startBatch();
    void client.create({ collection: 'accounts', data: { name: 'DWA batch' } });
    const [id] = (await client.executeBatch()) as string[];
    expect(s.data.ids('account').includes(id!)).toBe(true);
  });
});
