/**
 * MsalTokenSource against a minimal Entra-shaped token endpoint on 127.0.0.1: proves the local
 * authority configuration, the cache, the forced refresh after a 401, and the error mapping.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/index.js';
import { MsalTokenSource, type ConnectionSettings } from '../../src/dataverse/auth.js';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const idToken = (user: string) =>
  `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ oid: 'oid-1', tid: 'tid-1', sub: 'sub-1', preferred_username: user, aud: 'app', iss: 'https://login.dynasync.local/tid-1/v2.0', iat: 1, exp: 4102444800 })}.sig`;

interface Seen {
  path: string;
  form: URLSearchParams;
}

let server: Server;
let authority: string;
let seen: Seen[] = [];
let issued = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      seen.push({ path: req.url ?? '', form });
      const reply = (status: number, json: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const error = (code: number, error: string) =>
        reply(400, {
          error,
          error_description: `AADSTS${code}: failed.\r\nTrace ID: x`,
          error_codes: [code],
          timestamp: 't',
          trace_id: 'x',
          correlation_id: 'y',
        });
      const grant = form.get('grant_type');
      if (grant === 'password' && form.get('password') !== 'Passw0rd!') return error(50126, 'invalid_grant');
      if (grant === 'client_credentials' && form.get('client_secret') !== 'local-secret')
        return error(7000215, 'invalid_client');
      issued++;
      const token = {
        token_type: 'Bearer',
        expires_in: 3600,
        ext_expires_in: 3600,
        access_token: `access-${issued}`,
        scope: form.get('scope'),
      };
      if (grant === 'client_credentials') return reply(200, token);
      reply(200, {
        ...token,
        refresh_token: `refresh-${issued}`,
        id_token: idToken(form.get('username') ?? ''),
        client_info: b64({ uid: 'oid-1', utid: 'tid-1' }),
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  authority = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen = [];
});

const password = (over: Partial<ConnectionSettings> = {}): ConnectionSettings => ({
  orgUrl: 'http://127.0.0.1:5555/',
  authKind: 'password',
  username: 'sync@contoso.test',
  password: 'Passw0rd!',
  clientId: 'dynasync-local',
  tenant: 'contoso',
  authority,
  ...over,
});

describe('MsalTokenSource', () => {
  it('signs in with the password grant at the local token endpoint, once for concurrent callers', async () => {
    const tokens = new MsalTokenSource(password(), silentLogger());
    const [a, b, c] = await Promise.all([tokens.getToken(), tokens.getToken(), tokens.getToken()]);
    expect(new Set([a, b, c]).size).toBe(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.path.split('?')[0]).toBe('/contoso/oauth2/v2.0/token');
    expect(seen[0]!.form.get('scope')).toContain('http://127.0.0.1:5555/.default');
    expect(seen[0]!.form.get('client_secret')).toBeNull();
  });

  it('serves later calls from the cache and refreshes once after a rejection', async () => {
    const tokens = new MsalTokenSource(password(), silentLogger());
    const first = await tokens.getToken();
    expect(await tokens.getToken()).toBe(first);
    expect(seen).toHaveLength(1);

    const [x, y] = await Promise.all([tokens.refreshAfterRejection(first), tokens.refreshAfterRejection(first)]);
    expect(x).toBe(y);
    expect(x).not.toBe(first);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.form.get('grant_type')).toBe('refresh_token');
    // A request still holding the old token gets the new one without another sign-in.
    expect(await tokens.refreshAfterRejection(first)).toBe(x);
    expect(seen).toHaveLength(2);
  });

  it('uses client credentials with the secret', async () => {
    const tokens = new MsalTokenSource(
      {
        ...password(),
        authKind: 'client_credentials',
        username: undefined,
        password: undefined,
        clientSecret: 'local-secret',
      },
      silentLogger(),
    );
    const t = await tokens.getToken();
    expect(await tokens.getToken()).toBe(t);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.form.get('grant_type')).toBe('client_credentials');
    const fresh = await tokens.refreshAfterRejection(t);
    expect(fresh).not.toBe(t);
    expect(seen).toHaveLength(2);
  });

  it('maps a wrong password and a wrong secret to their codes', async () => {
    await expect(new MsalTokenSource(password({ password: 'nope' }), silentLogger()).getToken()).rejects.toMatchObject({
      kind: 'fatal',
      code: 'wrong_password',
    });
    const cc = new MsalTokenSource(
      { ...password(), authKind: 'client_credentials', clientSecret: 'wrong' },
      silentLogger(),
    );
    await expect(cc.getToken()).rejects.toMatchObject({ kind: 'fatal', code: 'wrong_client_secret' });
  });

  it('refuses incomplete settings before any request', () => {
    expect(() => new MsalTokenSource(password({ password: undefined }), silentLogger())).toThrow(/password/);
    expect(
      () =>
        new MsalTokenSource(
          { ...password(), authKind: 'client_credentials', tenant: undefined, clientSecret: 's' },
          silentLogger(),
        ),
    ).toThrow(/tenant/);
  });

  it('treats an unreachable token endpoint as retriable, and names it', async () => {
    const tokens = new MsalTokenSource(password({ authority: 'http://127.0.0.1:9' }), silentLogger());
    await expect(tokens.getToken()).rejects.toMatchObject({
      kind: 'retriable',
      code: 'authority_unreachable',
      message: expect.stringMatching(/sign-in service 127\.0\.0\.1:9 is unreachable/),
    });
  });

  it('says the organization is unreachable when it is its own authority (an emulator that is not running)', async () => {
    const tokens = new MsalTokenSource(
      password({ orgUrl: 'http://127.0.0.1:9', authority: undefined }),
      silentLogger(),
    );
    await expect(tokens.getToken()).rejects.toMatchObject({ kind: 'retriable', code: 'organization_unreachable' });
  });
});
