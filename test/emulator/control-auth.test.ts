import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlaneHarness } from './helpers/control-plane-fakes.js';

let h: ControlPlaneHarness;
beforeAll(async () => {
  h = await startControlPlane({ tokenLifetimeSeconds: 600 });
});
afterAll(() => h.close());

async function expect401(res: Response, message: RegExp) {
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toBe(
    `Bearer authorization_uri=${h.url}/${h.ctx.org.tenantId}/oauth2/authorize, resource_id=${h.url}`,
  );
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('0x80048306');
  expect(body.error.message).toMatch(message);
}

describe('bearer authentication on the Web API', () => {
  it('requires a token, with the WWW-Authenticate challenge used for tenant discovery', async () => {
    await expect401(await fetch(`${h.api}accounts`), /missing/);
    await expect401(await fetch(`${h.api}WhoAmI`, { headers: { authorization: 'Basic abc' } }), /missing/);
  });

  it('rejects malformed and forged tokens', async () => {
    await expect401(await h.get('accounts', { token: 'not-a-jwt' }), /invalid/);
    const real = await h.token('sync@contoso.test');
    const [head, payload, sig] = real.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(
      JSON.stringify({ ...claims, oid: h.ctx.identity.userIdByName('rep@contoso.test') }),
    ).toString('base64url');
    await expect401(await h.get('accounts', { token: `${head}.${forged}.${sig}` }), /invalid/);
  });

  it('accepts a valid token and identifies the caller', async () => {
    const res = await h.get('WhoAmI', { token: await h.token('rep@contoso.test') });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { UserId: string }).UserId).toBe(h.ctx.identity.userIdByName('rep@contoso.test'));
  });

  it('expires tokens on the emulator clock', async () => {
    const token = await h.token('sync@contoso.test');
    expect((await h.get('WhoAmI', { token })).status).toBe(200);
    h.admin.advanceClock({ seconds: 599 });
    expect((await h.get('WhoAmI', { token })).status).toBe(200);
    h.admin.advanceClock({ seconds: 2 });
    await expect401(await h.get('WhoAmI', { token }), /expired/);
    // A token issued after the advance is valid again.
    expect((await h.get('WhoAmI', { token: await h.token('sync@contoso.test') })).status).toBe(200);
  });

  it('revokes every access token through the admin, while new ones work', async () => {
    const user = await h.token('sync@contoso.test');
    const app = await h.token();
    h.admin.expireAccessTokens();
    await expect401(await h.get('WhoAmI', { token: user }), /revoked/);
    await expect401(await h.get('WhoAmI', { token: app }), /revoked/);
    expect((await h.get('WhoAmI', { token: await h.token() })).status).toBe(200);
  });

  it('stops accepting tokens of a user who is disabled afterwards', async () => {
    h.admin.addUser({ name: 'leaver@contoso.test' });
    const token = await h.token('leaver@contoso.test');
    expect((await h.get('WhoAmI', { token })).status).toBe(200);
    h.admin.setUserDisabled('leaver@contoso.test', true);
    await expect401(await h.get('WhoAmI', { token }), /disabled/);
  });

  it('does not guard the token endpoint itself or non-API paths', async () => {
    expect((await fetch(`${h.url}/contoso/v2.0/.well-known/openid-configuration`)).status).toBe(200);
  });
});

describe('table privileges', () => {
  it('answers 403 PrivilegeDenied in Dataverse wording for limited@contoso.test on leads', async () => {
    const token = await h.token('limited@contoso.test');
    const res = await h.get('leads?$select=fullname', { token });
    expect(res.status).toBe(403);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    const id = h.ctx.identity.userIdByName('limited@contoso.test');
    expect(error.code).toBe('0x80040220');
    expect(error.message).toMatch(
      new RegExp(
        `^Principal user \\(Id=${id}, type=8, roleCount=1, privilegeCount=\\d+, accessMode=0\\), is missing prvReadLead privilege \\(Id=[0-9a-f-]{36}\\) on OTC=4 for entity 'lead'\\.`,
      ),
    );
    expect((await h.get('accounts', { token })).status).toBe(200);
  });

  it('lets the admin grant and revoke table read at run time', async () => {
    const token = await h.token('limited@contoso.test');
    h.admin.setTableRead('limited@contoso.test', 'lead', true);
    expect((await h.get('leads', { token })).status).toBe(200);
    h.admin.setTableRead('limited@contoso.test', 'leads', false);
    expect((await h.get('leads', { token })).status).toBe(403);
    h.admin.setTableRead('rep@contoso.test', 'account', false);
    expect((await h.get('accounts', { token: await h.token('rep@contoso.test') })).status).toBe(403);
    h.admin.setTableRead('rep@contoso.test', 'account', true);
  });

  it('needs no table privilege for metadata', async () => {
    h.admin.setTableRead('rep@contoso.test', 'account', false);
    const token = await h.token('rep@contoso.test');
    expect((await h.get("EntityDefinitions(LogicalName='account')", { token })).status).toBe(200);
    expect((await h.get('$metadata', { token })).status).toBe(200);
    h.admin.setTableRead('rep@contoso.test', 'account', true);
  });

  it('checks write privileges separately from read', () => {
    const id = h.ctx.identity.userIdByName('rep@contoso.test')!;
    const rep = { userId: id, name: 'rep@contoso.test', kind: 'user' as const, appId: 'dynasync-local' };
    h.admin.setTablePrivileges('rep@contoso.test', 'account', { write: false });
    expect(() => h.ctx.security.assertCanRead(rep, 'account')).not.toThrow();
    expect(() => h.ctx.security.assertCanWrite(rep, 'account', 'write')).toThrow(
      /is missing prvWriteAccount privilege/,
    );
    expect(() => h.ctx.security.assertCanWrite(rep, 'account', 'create')).not.toThrow();
    h.admin.setTablePrivileges('rep@contoso.test', 'account', { write: true });
    expect(() => h.ctx.security.assertCanWrite(rep, 'account', 'write')).not.toThrow();
  });
});

describe('column security', () => {
  const creditLimit = async (user?: string) => {
    const res = await h.get('accounts', { token: await h.token(user) });
    return ((await res.json()) as { value: Record<string, unknown>[] }).value[0]!.creditlimit;
  };

  it('hides secured columns from users without a field security profile entry', async () => {
    expect(await creditLimit('sync@contoso.test')).toBe(1000);
    expect(await creditLimit('limited@contoso.test')).toBeNull();
    expect(await creditLimit()).toBe(1000); // the application user reads everything
  });

  it('follows run-time changes to IsSecured and to the profile', async () => {
    h.admin.setColumnSecured('account', 'creditlimit', false);
    expect(await creditLimit('limited@contoso.test')).toBe(1000);
    h.admin.setColumnSecured('account', 'creditlimit', true);
    h.admin.setSecuredColumnRead('limited@contoso.test', 'account', 'creditlimit', true);
    expect(await creditLimit('limited@contoso.test')).toBe(1000);
    h.admin.setSecuredColumnRead('limited@contoso.test', 'account', 'creditlimit', false);
    expect(await creditLimit('limited@contoso.test')).toBeNull();
    h.admin.setSecuredColumnRead('sync@contoso.test', 'account', 'creditlimit', false);
    expect(await creditLimit('sync@contoso.test')).toBeNull();
    h.admin.setSecuredColumnRead('sync@contoso.test', 'account', 'creditlimit', true);
    expect(await creditLimit('sync@contoso.test')).toBe(1000);
  });

  it('applies securedRead and denyRead of users added at run time', async () => {
    h.admin.addUser({ name: 'analyst@contoso.test', securedRead: ['account.creditlimit'], denyRead: ['account'] });
    const token = await h.token('analyst@contoso.test');
    expect((await h.get('accounts', { token })).status).toBe(403);
    h.admin.setTableRead('analyst@contoso.test', 'account', true);
    const res = await h.get('accounts', { token });
    expect(((await res.json()) as { value: Record<string, unknown>[] }).value[0]!.creditlimit).toBe(1000);
  });
});
