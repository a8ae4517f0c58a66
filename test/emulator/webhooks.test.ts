/**
 * Issue 12 §1: webhook registration as Dataverse does it (serviceendpoints, sdkmessageprocessingsteps,
 * the sdkmessage and sdkmessagefilter they bind to), and the delivery of the RemoteExecutionContext
 * to a real HTTP receiver with each authentication type, asynchronously, with retries.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { postForm } from './helpers/control-plane-fakes.js';
import { batchBody } from './helpers/emulator-client.js';

type Row = Record<string, unknown>;
interface Received {
  url: URL;
  headers: IncomingMessage['headers'];
  raw: string;
  body: Row;
}

let emu: EmulatorHandle;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** Status codes the receiver answers with, in order (then 200). */
let answers: number[] = [];
const tokens = new Map<string, string>();

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    seed: 'small',
    webhooks: { backoffMs: 20 },
    users: [{ name: 'nohooks@contoso.test', denyWrite: ['serviceendpoint', 'sdkmessageprocessingstep'] }],
  });
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString('utf8')));
    req.on('end', () => {
      received.push({
        url: new URL(req.url ?? '/', 'http://x'),
        headers: req.headers,
        raw,
        body: JSON.parse(raw) as Row,
      });
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/dataverse`;
});
afterAll(async () => {
  await emu.close();
  await new Promise((r) => receiver.close(r));
});
beforeEach(() => {
  received.length = 0;
  answers = [];
  emu.webhooks.steps.clear();
  emu.webhooks.endpoints.clear();
});

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

async function api(path: string, init: RequestInit = {}, user = 'sync@contoso.test'): Promise<Response> {
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
const json = async (res: Response): Promise<Row> => (await res.json()) as Row;
const idIn = (res: Response): string => /\(([0-9a-f-]{36})\)$/.exec(res.headers.get('odata-entityid') ?? '')![1]!;

async function messageId(name: string): Promise<string> {
  const body = await json(await api(`sdkmessages?$select=sdkmessageid,name&$filter=name eq '${name}'`));
  return ((body.value as Row[])[0]!.sdkmessageid as string)!;
}
async function filterId(message: string, table: string): Promise<string> {
  const m = await messageId(message);
  const q = `sdkmessagefilters?$filter=primaryobjecttypecode eq '${table}' and _sdkmessageid_value eq ${m}`;
  return ((await json(await api(q))).value as Row[])[0]!.sdkmessagefilterid as string;
}

async function registerEndpoint(authtype: number, authvalue: string): Promise<string> {
  const res = await api('serviceendpoints', {
    method: 'POST',
    body: JSON.stringify({ name: 'test hook', contract: 8, url: receiverUrl, authtype, authvalue, messageformat: 2 }),
  });
  expect(res.status, await res.clone().text()).toBe(204);
  return idIn(res);
}

async function registerStep(endpoint: string, message: string, table: string, extra: Row = {}): Promise<string> {
  const res = await api('sdkmessageprocessingsteps', {
    method: 'POST',
    body: JSON.stringify({
      name: `${message} of ${table}`,
      'sdkmessageid@odata.bind': `/sdkmessages(${await messageId(message)})`,
      'sdkmessagefilterid@odata.bind': `/sdkmessagefilters(${await filterId(message, table)})`,
      'eventhandler_serviceendpoint@odata.bind': `/serviceendpoints(${endpoint})`,
      stage: 40,
      mode: 1,
      rank: 1,
      ...extra,
    }),
  });
  expect(res.status, await res.clone().text()).toBe(204);
  return idIn(res);
}

const attributesOf = (r: Received): Row => {
  const target = (r.body.InputParameters as { value: { Attributes: { key: string; value: unknown }[] } }[])[0]!;
  return Object.fromEntries(target.value.Attributes.map((a) => [a.key, a.value]));
};

const firstContact = async (): Promise<string> =>
  ((await json(await api('contacts?$select=contactid&$top=1'))).value as Row[])[0]!.contactid as string;

describe('registration', () => {
  it('stores a webhook endpoint whose authvalue reads back as null, and steps bound to it', async () => {
    const endpoint = await registerEndpoint(4, 'k-1');
    const got = await json(await api(`serviceendpoints(${endpoint})`));
    expect(got).toMatchObject({ contract: 8, url: receiverUrl, authtype: 4, authvalue: null, messageformat: 2 });
    const step = await registerStep(endpoint, 'Update', 'contact', { filteringattributes: 'firstname,lastname' });
    const steps = await json(await api(`sdkmessageprocessingsteps?$filter=_eventhandler_value eq ${endpoint}`));
    expect(steps.value).toEqual([
      expect.objectContaining({
        sdkmessageprocessingstepid: step,
        stage: 40,
        mode: 1,
        filteringattributes: 'firstname,lastname',
      }),
    ]);
    expect((await api(`serviceendpoints(${endpoint})`, { method: 'DELETE' })).status).toBe(204);
    expect((await json(await api('sdkmessageprocessingsteps'))).value).toEqual([]);
  });

  it('refuses what is not a webhook, a bad URL, and a synchronous step', async () => {
    const bad = async (body: Row, set = 'serviceendpoints') =>
      (await api(set, { method: 'POST', body: JSON.stringify(body) })).status;
    expect(await bad({ name: 'q', contract: 1, url: receiverUrl, authtype: 4, authvalue: 'k' })).toBe(400);
    expect(await bad({ name: 'q', contract: 8, url: 'not a url', authtype: 4, authvalue: 'k' })).toBe(400);
    expect(await bad({ name: 'q', contract: 8, url: receiverUrl, authtype: 5, authvalue: 'plain' })).toBe(400);
    const endpoint = await registerEndpoint(4, 'k');
    const step = {
      'sdkmessageid@odata.bind': `/sdkmessages(${await messageId('Create')})`,
      'sdkmessagefilterid@odata.bind': `/sdkmessagefilters(${await filterId('Create', 'contact')})`,
      'eventhandler_serviceendpoint@odata.bind': `/serviceendpoints(${endpoint})`,
      stage: 40,
      mode: 0,
    };
    expect(await bad(step, 'sdkmessageprocessingsteps')).toBe(400);
  });

  it('answers PrivilegeDenied (403) naming the privilege to a user without it', async () => {
    const res = await api(
      'serviceendpoints',
      {
        method: 'POST',
        body: JSON.stringify({ name: 'x', contract: 8, url: receiverUrl, authtype: 4, authvalue: 'k' }),
      },
      'nohooks@contoso.test',
    );
    expect(res.status).toBe(403);
    const err = (await json(res)).error as { code: string; message: string };
    expect(err.code).toBe('0x80040220');
    expect(err.message).toContain('prvCreateServiceEndpoint');
  });
});

describe('delivery', () => {
  it('POSTs the RemoteExecutionContext of an update with the WebhookKey as ?code=, after the write answered', async () => {
    const endpoint = await registerEndpoint(4, 'secret-code');
    await registerStep(endpoint, 'Update', 'contact');
    const id = await firstContact();
    const res = await api(`contacts(${id})`, { method: 'PATCH', body: JSON.stringify({ firstname: 'James' }) });
    expect(res.status).toBe(204);
    await emu.webhooks.queue.idle();
    expect(received).toHaveLength(1);
    const r = received[0]!;
    expect(r.url.searchParams.get('code')).toBe('secret-code');
    expect(r.headers['x-ms-dynamics-entity-name']).toBe('contact');
    expect(r.headers['x-ms-dynamics-request-name']).toBe('Update');
    expect(r.headers['x-ms-correlation-request-id']).toBe(r.body.CorrelationId);
    expect(r.headers['x-ms-dynamics-organization']).toBe(new URL(emu.url).host);
    expect(r.raw).toContain('"OperationCreatedOn":"\\/Date(');
    expect(r.body).toMatchObject({
      MessageName: 'Update',
      PrimaryEntityName: 'contact',
      PrimaryEntityId: id,
      Stage: 40,
      Mode: 1,
      Depth: 1,
      OrganizationId: emu.ctx.org.organizationId,
    });
    expect(r.body.OperationCreatedOn).toMatch(/^\/Date\(\d+\)\/$/);
    const target = (r.body.InputParameters as { key: string; value: Row }[])[0]!;
    expect(target.key).toBe('Target');
    expect(target.value).toMatchObject({ LogicalName: 'contact', Id: id });
    const attrs = Object.fromEntries(
      (target.value.Attributes as { key: string; value: unknown }[]).map((a) => [a.key, a.value]),
    );
    expect(attrs.firstname).toBe('James');
    expect(attrs.modifiedby).toMatchObject({ LogicalName: 'systemuser', Id: r.body.UserId });
  });

  it('sends HttpHeader settings as headers and HttpQueryString settings as query parameters', async () => {
    const header = await registerEndpoint(5, '<settings><setting name="x-api-key" value="h&amp;1" /></settings>');
    await registerStep(header, 'Create', 'account');
    const query = await registerEndpoint(
      6,
      '<settings><setting name="k1" value="v1" /><setting name="k2" value="v2" /></settings>',
    );
    await registerStep(query, 'Delete', 'account');
    const created = await api('accounts', { method: 'POST', body: JSON.stringify({ name: 'Hooked Ltd' }) });
    const id = idIn(created);
    expect((await api(`accounts(${id})`, { method: 'DELETE' })).status).toBe(204);
    await emu.webhooks.queue.idle();
    const create = received.find((r) => r.body.MessageName === 'Create')!;
    const remove = received.find((r) => r.body.MessageName === 'Delete')!;
    expect(create.headers['x-api-key']).toBe('h&1');
    expect(create.url.searchParams.get('code')).toBeNull();
    expect(create.body.OutputParameters).toEqual([{ key: 'id', value: id }]);
    expect(remove.url.searchParams.get('k1')).toBe('v1');
    expect(remove.url.searchParams.get('k2')).toBe('v2');
    const target = (remove.body.InputParameters as { value: Row }[])[0]!.value;
    expect(target).toMatchObject({ LogicalName: 'account', Id: id });
    expect(String(target.__type)).toMatch(/^EntityReference:/);
  });

  it('skips an update that sets none of the filtering attributes', async () => {
    const endpoint = await registerEndpoint(4, 'k');
    await registerStep(endpoint, 'Update', 'contact', { filteringattributes: 'lastname' });
    const id = await firstContact();
    await api(`contacts(${id})`, { method: 'PATCH', body: JSON.stringify({ firstname: 'Only' }) });
    await api(`contacts(${id})`, { method: 'PATCH', body: JSON.stringify({ lastname: 'Named' }) });
    await emu.webhooks.queue.idle();
    expect(
      received.map((r) =>
        (r.body.InputParameters as { value: { Attributes: { key: string }[] } }[])[0]!.value.Attributes.map(
          (a) => a.key,
        ),
      ),
    ).toEqual([expect.arrayContaining(['lastname'])]);
  });

  it('retries a 503 with backoff, gives up on a 400, and records both as system jobs', async () => {
    const endpoint = await registerEndpoint(4, 'k');
    const step = await registerStep(endpoint, 'Update', 'contact');
    const id = await firstContact();
    answers = [503, 503, 200];
    await api(`contacts(${id})`, { method: 'PATCH', body: JSON.stringify({ firstname: 'Retry' }) });
    await emu.webhooks.queue.idle();
    expect(received).toHaveLength(3);
    answers = [400];
    await api(`contacts(${id})`, { method: 'PATCH', body: JSON.stringify({ firstname: 'Refused' }) });
    await emu.webhooks.queue.idle();
    expect(received).toHaveLength(4);
    const jobs = (await json(await api(`asyncoperations?$filter=_owningextensionid_value eq ${step}`))).value as Row[];
    expect(jobs.map((j) => j.statuscode)).toEqual([30, 31]);
  });

  it('delivers nothing for a $batch change set that rolled back, and what committed beside it', async () => {
    const endpoint = await registerEndpoint(4, 'k');
    await registerStep(endpoint, 'Create', 'account');
    const { body, contentType } = batchBody([
      {
        changeset: [
          { method: 'POST', url: '/api/data/v9.2/accounts', body: { name: 'Good' }, contentId: '1' },
          { method: 'POST', url: '/api/data/v9.2/accounts', body: { name: 7 }, contentId: '2' },
        ],
      },
      { method: 'POST', url: '/api/data/v9.2/accounts', body: { name: 'Alone' } },
    ]);
    const headers = { 'content-type': contentType, prefer: 'odata.continue-on-error' };
    const res = await api('$batch', { method: 'POST', headers, body });
    expect(res.status, await res.clone().text()).toBe(200);
    await emu.webhooks.queue.idle();
    // The change set rolled back (its second request is invalid); the request outside it committed.
    expect(received.map((r) => attributesOf(r).name)).toEqual(['Alone']);
  });
});
