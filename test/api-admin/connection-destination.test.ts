/**
 * Where the stored Dynamics password and client secret may go (issue 15 §1): a change of the
 * organization URL, tenant or authority needs them entered again; plain http only on this
 * machine; a sealed secret is used only with the destination it was entered for. A recording
 * "authority" on 127.0.0.1 proves what would have been sent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signedInClient, type AdminClient } from './client.js';
import { openSyncedFixture, SYNC_USER, type SyncedFixture } from './fixture.js';

let f: SyncedFixture;
let c: AdminClient;
let recorder: Server;
let recorderUrl: string;
const received: string[] = [];

beforeAll(async () => {
  f = await openSyncedFixture({ sync: false });
  c = await signedInClient(f.deps());
  recorder = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      received.push(`${req.method} ${req.url} ${body}`);
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'invalid_grant', error_description: 'AADSTS50126: nope' }));
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  recorderUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await c?.app.close();
  await f?.close();
  await new Promise((resolve) => recorder?.close(resolve));
});

const body = (over: Record<string, unknown> = {}) => ({
  orgUrl: f.emulator.url,
  username: SYNC_USER.username,
  clientId: SYNC_USER.clientId,
  tenant: SYNC_USER.tenant,
  authority: f.emulator.url,
  ...over,
});
const put = (payload: Record<string, unknown>) => c.send({ method: 'PUT', url: '/api/connection', payload });
const validate = () => c.send({ method: 'POST', url: '/api/connection/validate' });
/** The sign-in item of the checklist (no columns are selected in this fixture, so the whole list never passes). */
const signsIn = async () =>
  ((await validate()).json() as { items: { id: string; status: string }[] }).items.find((i) => i.id === 'credentials')
    ?.status === 'pass';

beforeEach(async () => {
  received.length = 0;
  await f.db.query('DELETE FROM connection');
  expect((await put(body({ password: SYNC_USER.password }))).statusCode).toBe(200);
});

describe('a change of destination needs the secrets again', () => {
  it('refuses a new authority without the password, and nothing reaches that authority', async () => {
    const moved = await put(body({ authority: recorderUrl }));
    expect(moved.statusCode).toBe(400);
    expect(moved.json().error).toMatchObject({
      code: 'password_required',
      message: expect.stringMatching(/authority changed.*password again/),
    });
    await validate();
    expect(received).toEqual([]);
    expect(await signsIn(), 'the old connection still works').toBe(true);
  });

  it('refuses a new tenant or organization URL without the password; with it, saves', async () => {
    expect((await put(body({ tenant: 'fabrikam' }))).json().error.code).toBe('password_required');
    expect((await put(body({ orgUrl: 'https://other.crm.dynamics.com' }))).json().error.code).toBe('password_required');
    const retyped = await put(body({ tenant: 'other', password: 'typed again' }));
    expect(retyped.statusCode).toBe(200);
    expect(retyped.json()).toMatchObject({ tenant: 'other', hasPassword: true });
  });

  it('still keeps the stored password for a change that sends it nowhere new', async () => {
    const same = await put(body({ orgUrl: `${f.emulator.url}/` }));
    expect(same.statusCode).toBe(200);
    expect(same.json()).toMatchObject({ hasPassword: true });
    expect(await signsIn()).toBe(true);
  });

  it('asks for the client secret again when a confidential app moves', async () => {
    expect((await put(body({ username: '', clientSecret: 'app secret' }))).statusCode).toBe(200);
    expect((await put(body({ username: '' }))).json(), 'same place: kept').toMatchObject({ hasClientSecret: true });
    expect((await put(body({ username: '', authority: recorderUrl }))).json().error.code).toBe(
      'client_secret_required',
    );
    expect(
      (await put(body({ password: 'p', authority: recorderUrl }))).json().error.code,
      'the password grant of the same app too',
    ).toBe('client_secret_required');
    expect(received).toEqual([]);
  });
});

describe('plain http only on this machine', () => {
  it('refuses an http authority or organization elsewhere, even with the password', async () => {
    for (const over of [
      { authority: 'http://login.example.com' },
      { orgUrl: 'http://contoso.crm.dynamics.com' },
      { authority: 'http://10.1.2.3:8080' },
    ]) {
      const res = await put(body({ ...over, password: SYNC_USER.password }));
      expect(res.statusCode, JSON.stringify(over)).toBe(400);
      expect(res.json().error.code).toBe('insecure_url');
    }
  });

  it('accepts loopback emulators: localhost, 127.0.0.0/8, ::1', async () => {
    for (const authority of [recorderUrl.replace('127.0.0.1', 'localhost'), 'http://127.8.9.10:9', 'http://[::1]:9']) {
      const res = await put(body({ authority, password: 'p' }));
      expect(res.statusCode, `${authority}: ${res.body}`).toBe(200);
    }
  });
});

describe('the sealed secret is bound to its destination', () => {
  it("a row moved behind the application's back does not release the password to the new authority", async () => {
    await f.db.query('UPDATE connection SET authority = $1 WHERE id = 1', [recorderUrl]);
    const res = await validate();
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('credentials_not_bound');
    expect(received).toEqual([]);
    expect((await c.send({ url: '/api/connection' })).json()).toMatchObject({ configured: true, hasPassword: false });
  });
});

describe('organization URL as Dynamics shows it', () => {
  it('strips the Web API path and trailing slash, and the connection validates', async () => {
    const res = await put(body({ orgUrl: `${f.emulator.url}/api/data/v9.2/`, password: SYNC_USER.password }));
    expect(res.statusCode).toBe(200);
    expect(res.json().orgUrl).toBe(f.emulator.url);
    expect(await signsIn()).toBe(true);
  });
});
