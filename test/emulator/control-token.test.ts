import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postForm, startControlPlane, type ControlPlaneHarness } from './helpers/control-plane-fakes.js';

let h: ControlPlaneHarness;
beforeAll(async () => {
  h = await startControlPlane({ users: [{ name: 'gone@contoso.test', disabled: true }] });
});
afterAll(() => h.close());

const tokenUrl = (tenant = 'contoso') => `${h.url}/${tenant}/oauth2/v2.0/token`;
const ropc = (over: Record<string, string> = {}) => ({
  grant_type: 'password',
  client_id: 'dynasync-local',
  username: 'sync@contoso.test',
  password: 'Passw0rd!',
  scope: `${h.url}/.default openid profile offline_access`,
  client_info: '1',
  ...over,
});
const cc = (over: Record<string, string> = {}) => ({
  grant_type: 'client_credentials',
  client_id: 'dynasync-local',
  client_secret: 'local-secret',
  scope: `${h.url}/.default`,
  ...over,
});
const decode = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));

async function expectEntraError(res: Response, status: number, error: string, code: number, suberror?: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.error).toBe(error);
  expect(body.error_codes).toEqual([code]);
  expect(body.error_description).toMatch(
    new RegExp(`^AADSTS${code}: .+\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]{36}\\r\\nTimestamp: `),
  );
  expect(typeof body.trace_id).toBe('string');
  expect(typeof body.correlation_id).toBe('string');
  expect(typeof body.timestamp).toBe('string');
  expect(body.suberror).toBe(suberror);
  return body;
}

describe('token endpoint: password grant (ROPC)', () => {
  it('issues an access token, id_token, refresh token and client_info msal-node can use', async () => {
    const res = await postForm(tokenUrl(), ropc());
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string | number>;
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(3600);
    expect(body.scope).toBe(`${h.url}/user_impersonation ${h.url}/.default`);
    const userId = h.ctx.identity.userIdByName('sync@contoso.test')!;
    const access = decode(String(body.access_token));
    expect(access).toMatchObject({
      oid: userId,
      upn: 'sync@contoso.test',
      appid: 'dynasync-local',
      aud: h.url,
      tid: h.ctx.org.tenantId,
    });
    expect(Number(access.exp) - Number(access.iat)).toBe(3600);
    expect(decode(String(body.id_token))).toMatchObject({
      oid: userId,
      sub: userId,
      tid: h.ctx.org.tenantId,
      preferred_username: 'sync@contoso.test',
      aud: 'dynasync-local',
    });
    expect(JSON.parse(Buffer.from(String(body.client_info), 'base64url').toString())).toEqual({
      uid: userId,
      utid: h.ctx.org.tenantId,
    });
    expect(typeof body.refresh_token).toBe('string');
  });

  it('accepts the tenant id, organizations and the onmicrosoft domain as tenant', async () => {
    for (const t of [h.ctx.org.tenantId, 'organizations', 'contoso.onmicrosoft.com']) {
      expect((await postForm(tokenUrl(t), ropc())).status).toBe(200);
    }
  });

  it('gives user ids that are stable and distinct per UPN', () => {
    const a = h.ctx.identity.userIdByName('sync@contoso.test');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(h.ctx.identity.userIdByName('SYNC@contoso.test')).toBe(a);
    expect(h.ctx.identity.userIdByName('rep@contoso.test')).not.toBe(a);
  });

  it('answers AADSTS50126 for a wrong password and for an unknown user', async () => {
    await expectEntraError(await postForm(tokenUrl(), ropc({ password: 'nope' })), 400, 'invalid_grant', 50126);
    await expectEntraError(
      await postForm(tokenUrl(), ropc({ username: 'nobody@contoso.test' })),
      400,
      'invalid_grant',
      50126,
    );
  });

  it('answers AADSTS50076 with suberror basic_action for a user who needs MFA', async () => {
    const body = await expectEntraError(
      await postForm(tokenUrl(), ropc({ username: 'mfa@contoso.test' })),
      400,
      'invalid_grant',
      50076,
      'basic_action',
    );
    expect(body.error_description).toContain(
      "multi-factor authentication to access '00000007-0000-0000-c000-000000000000'",
    );
  });

  it('checks the password before MFA, as Entra does', async () => {
    await expectEntraError(
      await postForm(tokenUrl(), ropc({ username: 'mfa@contoso.test', password: 'x' })),
      400,
      'invalid_grant',
      50126,
    );
  });

  it('answers AADSTS50057 for a disabled user', async () => {
    await expectEntraError(
      await postForm(tokenUrl(), ropc({ username: 'gone@contoso.test' })),
      400,
      'invalid_grant',
      50057,
    );
  });

  it('answers AADSTS7000215 when a confidential client sends the wrong secret', async () => {
    await expectEntraError(
      await postForm(tokenUrl(), ropc({ client_secret: 'wrong' })),
      401,
      'invalid_client',
      7000215,
    );
  });

  it('echoes client-request-id as the correlation id', async () => {
    const res = await postForm(tokenUrl(), ropc({ password: 'x' }), {
      'client-request-id': '11111111-2222-3333-4444-555555555555',
    });
    expect(((await res.json()) as { correlation_id: string }).correlation_id).toBe(
      '11111111-2222-3333-4444-555555555555',
    );
  });
});

describe('token endpoint: client credentials', () => {
  it('issues an app token for the application user (secret in the body)', async () => {
    const res = await postForm(tokenUrl(), cc());
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string | number>;
    expect(body).not.toHaveProperty('id_token');
    expect(body).not.toHaveProperty('refresh_token');
    const claims = decode(String(body.access_token));
    expect(claims).toMatchObject({ idtyp: 'app', appid: 'dynasync-local' });
    const appUser = h.ctx.identity.users().find((u) => u.id === claims.oid);
    expect(appUser).toMatchObject({ name: 'dynasync-local', fullName: '# dynasync-local', disabled: false });
  });

  it('accepts HTTP Basic client authentication', async () => {
    const basic = Buffer.from('dynasync-local:local-secret').toString('base64');
    const { client_secret: _drop, ...form } = cc();
    expect((await postForm(tokenUrl(), form, { authorization: `Basic ${basic}` })).status).toBe(200);
  });

  it('answers AADSTS7000215 for a wrong secret and 7000218 for none', async () => {
    await expectEntraError(await postForm(tokenUrl(), cc({ client_secret: 'nope' })), 401, 'invalid_client', 7000215);
    const { client_secret: _drop, ...noSecret } = cc();
    await expectEntraError(await postForm(tokenUrl(), noSecret), 401, 'invalid_client', 7000218);
  });

  it('answers AADSTS700016 for an unknown app and 1002012 for a scope without /.default', async () => {
    await expectEntraError(
      await postForm(tokenUrl(), cc({ client_id: 'someone-else' })),
      400,
      'unauthorized_client',
      700016,
    );
    await expectEntraError(
      await postForm(tokenUrl(), cc({ scope: `${h.url}/user_impersonation` })),
      400,
      'invalid_scope',
      1002012,
    );
  });
});

describe('token endpoint: other errors and discovery', () => {
  it('answers AADSTS90002 for an unknown tenant', async () => {
    const body = await expectEntraError(await postForm(tokenUrl('fabrikam'), ropc()), 400, 'invalid_request', 90002);
    expect(body.error_description).toContain("Tenant 'fabrikam' not found");
  });

  it('rejects unsupported grants and missing parameters', async () => {
    await expectEntraError(
      await postForm(tokenUrl(), ropc({ grant_type: 'device_code' })),
      400,
      'unsupported_grant_type',
      70003,
    );
    const { username: _u, ...noUser } = ropc();
    await expectEntraError(await postForm(tokenUrl(), noUser), 400, 'invalid_request', 900144);
  });

  it('redeems a refresh token for a fresh access token', async () => {
    const first = (await (await postForm(tokenUrl(), ropc())).json()) as { refresh_token: string };
    const res = await postForm(tokenUrl(), {
      grant_type: 'refresh_token',
      client_id: 'dynasync-local',
      refresh_token: first.refresh_token,
      scope: `${h.url}/.default openid offline_access`,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string };
    expect(decode(body.access_token)).toMatchObject({ upn: 'sync@contoso.test' });
    await expectEntraError(
      await postForm(tokenUrl(), {
        grant_type: 'refresh_token',
        client_id: 'dynasync-local',
        refresh_token: 'forged.token.x',
        scope: `${h.url}/.default`,
      }),
      400,
      'invalid_grant',
      9002313,
    );
  });

  it('serves an OpenID configuration whose endpoints point at the emulator', async () => {
    const res = await fetch(`${h.url}/contoso/v2.0/.well-known/openid-configuration`);
    const cfg = (await res.json()) as Record<string, string>;
    expect(cfg.token_endpoint).toBe(`${h.url}/${h.ctx.org.tenantId}/oauth2/v2.0/token`);
    expect(cfg.issuer).toBe(`${h.url}/${h.ctx.org.tenantId}/v2.0`);
    const keys = (await (await fetch(cfg.jwks_uri!)).json()) as { keys: unknown[] };
    expect(keys.keys).toEqual([]);
  });
});
