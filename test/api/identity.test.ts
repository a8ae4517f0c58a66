/**
 * Issue 4 §2: /identity/oauth/token (client credentials, GET and POST form) and the token rules of
 * /rest: bearer header or access_token parameter; missing or unknown 601, expired 602, and the
 * per-client rate limit 606. Secrets and tokens are stored only as hashes.
 */
import { expect, it } from 'vitest';
import { BODY_LIMIT_BYTES, createServer } from '../../src/api/server.js';
import { issueToken } from '../../src/api/rest/credentials.js';
import { findApiClientSecret } from '../../src/store/api-clients.js';
import { describeEachBackend } from '../helpers/db.js';
import { apiDeps, errorOf, newClient, tokenFor, type Envelope } from './fixture.js';

const DESCRIBE = '/rest/v1/leads/describe.json';

describeEachBackend('REST identity and tokens', ({ db }) => {
  it('issues a bearer token for GET and for a POSTed form, and stores only hashes', async () => {
    const app = await createServer(apiDeps(db()));
    const c = await newClient(db(), 'marketing ops');
    const viaGet = await app.inject({
      url: '/identity/oauth/token',
      query: { grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret },
    });
    expect(viaGet.statusCode).toBe(200);
    const body = viaGet.json() as { access_token: string; token_type: string; expires_in: number; scope: string };
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: c.clientId });
    expect(body.access_token).toMatch(/^[A-Za-z0-9_-]{40,}$/);

    const viaPost = await app.inject({
      method: 'POST',
      url: '/identity/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: c.clientId,
        client_secret: c.clientSecret,
      }).toString(),
    });
    expect(viaPost.statusCode).toBe(200);
    expect((viaPost.json() as { access_token: string }).access_token).not.toBe(body.access_token);

    const stored = await findApiClientSecret(db(), c.clientId);
    expect(stored!.secretHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(stored!.secretHash).not.toContain(c.clientSecret);
    const tokens = await db().query<{ token_hash: string }>('SELECT token_hash FROM api_tokens');
    expect(tokens.rows).toHaveLength(2);
    expect(tokens.rows.map((t) => t.token_hash)).not.toContain(body.access_token);
    await app.close();
  });

  it('refuses bad credentials and grants as OAuth errors', async () => {
    const app = await createServer(apiDeps(db()));
    const c = await newClient(db());
    const ask = (query: Record<string, string>) => app.inject({ url: '/identity/oauth/token', query });
    const wrongSecret = await ask({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: 'nope' });
    expect([wrongSecret.statusCode, wrongSecret.json()]).toEqual([
      401,
      { error: 'invalid_client', error_description: 'Bad client credentials' },
    ]);
    const unknownClient = await ask({
      grant_type: 'client_credentials',
      client_id: 'who',
      client_secret: c.clientSecret,
    });
    expect(unknownClient.statusCode).toBe(401);
    const noSecret = await ask({ grant_type: 'client_credentials', client_id: c.clientId });
    expect(noSecret.statusCode).toBe(401);
    expect((await ask({ client_id: c.clientId })).json()).toMatchObject({ error: 'invalid_request' });
    const password = await ask({ grant_type: 'password', client_id: c.clientId, client_secret: c.clientSecret });
    expect([password.statusCode, (password.json() as { error: string }).error]).toEqual([
      400,
      'unsupported_grant_type',
    ]);
    await app.close();
  });

  it('takes the token as a bearer header or an access_token parameter; missing or unknown is 601, expired 602', async () => {
    const app = await createServer(apiDeps(db()));
    const c = await newClient(db());
    const token = await tokenFor(app, c);
    const call = async (init: { headers?: Record<string, string>; query?: Record<string, string> }) =>
      (await app.inject({ url: DESCRIBE, ...init })).json() as Envelope;

    expect((await call({ headers: { authorization: `Bearer ${token}` } })).success).toBe(true);
    expect((await call({ query: { access_token: token } })).success).toBe(true);
    expect(errorOf(await call({}))).toEqual(['600', 'Empty access token']);
    expect(errorOf(await call({ headers: { authorization: 'Bearer not-a-token' } }))[0]).toBe('601');
    expect(errorOf(await call({ headers: { authorization: `Basic ${token}` } }))[0]).toBe('601');
    expect(errorOf(await call({ query: { access_token: `${token}x` } }))[0]).toBe('601');

    const { apiClientId } = (
      await db().query<{ api_client_id: number }>('SELECT api_client_id FROM api_tokens LIMIT 1')
    ).rows.map((r) => ({ apiClientId: Number(r.api_client_id) }))[0]!;
    const expired = await issueToken(db(), apiClientId, -1);
    const res = await app.inject({ url: DESCRIBE, headers: { authorization: `Bearer ${expired.token}` } });
    expect(res.statusCode).toBe(200);
    expect(errorOf(res.json() as Envelope)).toEqual(['602', 'Access token expired']);
    await app.close();
  });

  it('limits calls per client (606) without affecting other clients', async () => {
    const app = await createServer(apiDeps(db(), { rest: { rateLimit: { calls: 3, windowMs: 3_600_000 } } }));
    const [a, b] = [await tokenFor(app, await newClient(db())), await tokenFor(app, await newClient(db()))];
    const call = async (token: string) =>
      (await app.inject({ url: DESCRIBE, query: { access_token: token } })).json() as Envelope;
    for (let i = 0; i < 3; i++) expect((await call(a)).success).toBe(true);
    expect(errorOf(await call(a))).toEqual(['606', "Max rate limit '3' exceeded with in '3600' secs"]);
    expect((await call(b)).success).toBe(true);
    await app.close();
  });

  it('answers 612 for a body that is not JSON, 413 above the body limit, 611 when the database fails', async () => {
    const app = await createServer(apiDeps(db()));
    const token = await tokenFor(app, await newClient(db()));
    const headers = { authorization: `Bearer ${token}` };
    const text = await app.inject({
      method: 'POST',
      url: '/rest/v1/leads.json',
      headers: { ...headers, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect([text.statusCode, errorOf(text.json() as Envelope)[0]]).toEqual([200, '612']);
    const big = await app.inject({
      method: 'POST',
      url: '/rest/v1/leads.json',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ input: [{ email: 'x'.repeat(BODY_LIMIT_BYTES) }] }),
    });
    expect(big.statusCode).toBe(413);
    expect(errorOf(big.json() as Envelope)[0]).toBe('1003');
    await db().dispose();
    const broken = await app.inject({ url: DESCRIBE, headers });
    expect([broken.statusCode, broken.json()]).toMatchObject([
      200,
      { success: false, errors: [{ code: '611', message: 'System error' }] },
    ]);
    await app.close();
  });

  it('answers an unknown /rest resource with 610 in the envelope', async () => {
    const app = await createServer(apiDeps(db()));
    const token = await tokenFor(app, await newClient(db()));
    const res = await app.inject({ url: '/rest/v1/programs.json', query: { access_token: token } });
    expect(res.statusCode).toBe(200);
    expect(errorOf(res.json() as Envelope)[0]).toBe('610');
    await app.close();
  });
});
