/**
 * Issue 15 §3: a REST API client can be revoked, and that holds at once for the tokens it already
 * has: in the process that serves them, and (PostgreSQL) when `api-client revoke` runs in another
 * process than `serve`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { listApiClients, revokeApiClient } from '../../src/store/api-clients.js';
import { NotFoundError } from '../../src/domain/index.js';
import { backends, DATABASE_URL } from '../helpers/db.js';
import { runCli, spawnCli } from '../reliability/helpers/cli.js';
import { newClient, openApiWorld, tokenFor, type ApiWorld } from './fixture.js';

/** Longer than the token cache keeps an entry (1 s). */
const PAST_CACHE_MS = 1100;

for (const backend of backends) {
  describe(`API client revoke [${backend}]`, () => {
    let api: ApiWorld | undefined;
    afterEach(async () => {
      await api?.close();
      api = undefined;
    });

    it('refuses the tokens already issued (601) and any new token (401), and lists the client as revoked', async () => {
      api = await openApiWorld(backend);
      const creds = await newClient(api.w.db, 'to-revoke');
      const token = await tokenFor(api.app, creds);
      const call = async (t: string) =>
        (
          await api!.app.inject({ url: '/rest/v1/leads/describe.json', headers: { authorization: `Bearer ${t}` } })
        ).json() as { success: boolean; errors?: { code: string }[] };
      expect((await call(token)).success).toBe(true);

      const revoked = await revokeApiClient(api.w.db, creds.clientId);
      expect(revoked.revokedAt).toBeInstanceOf(Date);
      await sleep(PAST_CACHE_MS);
      expect((await call(token)).errors?.[0]?.code).toBe('601');
      expect((await call(api.token)).success).toBe(true); // another client is untouched
      await expect(tokenFor(api.app, creds)).rejects.toThrow(/HTTP 401/);

      // By name too; revoking twice keeps the first time.
      expect((await revokeApiClient(api.w.db, 'to-revoke')).revokedAt).toEqual(revoked.revokedAt);
      await expect(revokeApiClient(api.w.db, 'no-such-client')).rejects.toThrow(NotFoundError);
      const listed = (await listApiClients(api.w.db)).find((c) => c.name === 'to-revoke');
      expect(listed?.revokedAt).toEqual(revoked.revokedAt);
    });
  });
}

describe('API client revoke across processes (PostgreSQL)', () => {
  it.skipIf(!DATABASE_URL)(
    'serve answers a token until `api-client revoke` in another process; then 601',
    async () => {
      // A database of its own: `serve` and the CLI use the default schema, and other tests share the cluster.
      const name = `dynasync_revoke_${process.pid}_${Date.now()}`;
      const admin = new pg.Client({ connectionString: DATABASE_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(DATABASE_URL!);
      url.pathname = `/${name}`;
      const dataDir = mkdtempSync(join(tmpdir(), 'dynasync-revoke-'));
      const env = { dataDir, logLevel: 'warn', extra: { DATABASE_URL: url.toString() } };
      const serve = spawnCli(['serve', '--port', '0'], env);
      // Listen from the start: serve may print its address before the other command ends.
      let out = '';
      serve.child.stdout!.on('data', (d: string) => (out += d));
      try {
        const created = JSON.parse((await runCli(['api-client', 'create', 'script', '--json'], env)).stdout) as {
          clientId: string;
          clientSecret: string;
        };
        const deadline = Date.now() + 60_000;
        while (!/API and web UI: (\S+)\//.test(out)) {
          if (Date.now() > deadline) throw new Error(`serve did not start:\n${out}`);
          await sleep(50);
        }
        const base = /API and web UI: (\S+)\//.exec(out)![1]!;
        const tokenRes = await fetch(
          `${base}/identity/oauth/token?grant_type=client_credentials&client_id=${created.clientId}&client_secret=${created.clientSecret}`,
        );
        const { access_token: token } = (await tokenRes.json()) as { access_token: string };
        const call = async () =>
          (await (
            await fetch(`${base}/rest/v1/leads/describe.json`, { headers: { authorization: `Bearer ${token}` } })
          ).json()) as { success: boolean; errors?: { code: string }[] };
        expect((await call()).success).toBe(true);

        const revoke = await runCli(['api-client', 'revoke', created.clientId], env);
        expect(revoke.stdout).toMatch(/API client 'script' .* revoked/);
        await sleep(PAST_CACHE_MS);
        expect((await call()).errors?.[0]?.code).toBe('601');
        const again = await fetch(
          `${base}/identity/oauth/token?grant_type=client_credentials&client_id=${created.clientId}&client_secret=${created.clientSecret}`,
        );
        expect(again.status).toBe(401);
      } finally {
        serve.child.kill('SIGTERM');
        await serve.done;
        rmSync(dataDir, { recursive: true, force: true });
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    },
    120_000,
  );
});
