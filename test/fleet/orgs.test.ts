/**
 * Issue 13 §1: organizations on PostgreSQL (separate processes, as a person runs them). An existing
 * single-organization database becomes `default` without losing anything; `--org` picks one, and
 * several without `--org` is a clear error; `serve` gives each organization its own REST API under
 * /o/<name>/, where a token of one organization never reads another's person, company or activity.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { DATABASE_URL } from '../helpers/db.js';
import { connectAndSelectDefaults, runCli, spawnCli, type CliEnv } from '../reliability/helpers/cli.js';
import { createScratchDatabase, type ScratchDatabase } from '../reliability/helpers/scratch-pg.js';

const waitFor = async (read: () => string, pattern: RegExp, ms = 90_000): Promise<RegExpExecArray> => {
  const end = Date.now() + ms;
  for (;;) {
    const m = pattern.exec(read());
    if (m) return m;
    if (Date.now() > end) throw new Error(`timed out waiting for ${pattern} in:\n${read()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const statusJson = async (env: CliEnv, org?: string) =>
  JSON.parse((await runCli(['status', '--offline', '--json', ...(org ? ['--org', org] : [])], env)).stdout) as {
    tables: { table: string; stored: number }[];
  };

const stored = (s: { tables: { table: string; stored: number }[] }) =>
  Object.fromEntries(s.tables.map((t) => [t.table, t.stored]));

describe('organizations on the embedded database', () => {
  it('refuses to add one, naming PostgreSQL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dynasync-org-pglite-'));
    try {
      const r = await runCli(['org', 'add', 'acme'], { dataDir, logLevel: 'warn' }, { allowFailure: true });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('[org_needs_postgres]');
      const s = await runCli(
        ['status', '--offline', '--org', 'acme'],
        { dataDir, logLevel: 'warn' },
        { allowFailure: true },
      );
      expect(s.stderr).toContain('[org_needs_postgres]');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.runIf(DATABASE_URL)('organizations on PostgreSQL (separate processes)', () => {
  let emu: EmulatorHandle;
  let scratch: ScratchDatabase;
  let dataDir: string;
  let env: CliEnv;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, seed: 3 });
    scratch = await createScratchDatabase(DATABASE_URL!);
    dataDir = mkdtempSync(join(tmpdir(), 'dynasync-orgs-'));
    env = { dataDir, logLevel: 'warn', extra: { DATABASE_URL: scratch.url } };
  }, 60_000);
  afterAll(async () => {
    await emu?.close();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('an existing database becomes `default`, data kept; --org picks; several without --org is an error', async () => {
    await connectAndSelectDefaults(emu.url, env);
    await runCli(['sync', '--once'], env);
    const before = stored(await statusJson(env));
    expect(before.contact).toBeGreaterThan(0);

    expect((await runCli(['org', 'list'], env)).stdout).toContain('no organization registered');
    await runCli(['org', 'add', 'beta', '--interval', '60'], env);
    const list = JSON.parse((await runCli(['org', 'list', '--json'], env)).stdout) as {
      name: string;
      schema: string;
    }[];
    expect(list.map((o) => [o.name, o.schema])).toEqual([
      ['beta', 'org_beta'],
      ['default', 'public'],
    ]);

    const ambiguous = await runCli(['status', '--offline'], env, { allowFailure: true });
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain('[org_required]');
    expect(ambiguous.stderr).toContain('--org NAME');
    expect(stored(await statusJson(env, 'default'))).toEqual(before);
    expect(stored(await statusJson(env, 'beta')).contact).toBe(0);
    const unknown = await runCli(['status', '--org', 'nope'], env, { allowFailure: true });
    expect(unknown.stderr).toContain('[org_not_found]');

    const shown = JSON.parse((await runCli(['org', 'show', 'default', '--json'], env)).stdout) as {
      dynamics: { url: string } | null;
      lastCycle: { status: string } | null;
    };
    expect(shown.dynamics?.url).toBe(emu.url);
    expect(shown.lastCycle?.status).toBe('success');
  }, 240_000);

  it("serve: each organization's REST API under /o/<name>/; a token never reads another organization", async () => {
    const client = async (org: string) =>
      JSON.parse((await runCli(['api-client', 'create', `scripts-${org}`, '--json', '--org', org], env)).stdout) as {
        clientId: string;
        clientSecret: string;
      };
    // Beta needs its lead fields (a person's columns) to take a REST create: its own connection.
    const connectArgs = [
      '--url',
      emu.url,
      '--authority',
      emu.url,
      '--tenant',
      'contoso',
      '--username',
      'sync@contoso.test',
    ];
    const secret = ['--password', 'Passw0rd!', '--client-id', 'dynasync-local', '--org', 'beta'];
    await runCli(['connect', ...connectArgs, ...secret], env);
    await runCli(['fields', '--defaults', '--org', 'beta'], env);
    const [a, b] = [await client('default'), await client('beta')];
    const serve = spawnCli(['serve', '--port', '0'], env);
    let out = '';
    serve.child.stdout!.on('data', (d: string) => (out += d));
    try {
      const [base] = await waitFor(() => out, /http:\/\/127\.0\.0\.1:\d+/);
      const token = async (org: string, c: { clientId: string; clientSecret: string }) => {
        const r = await fetch(
          `${base}/o/${org}/identity/oauth/token?grant_type=client_credentials&client_id=${c.clientId}&client_secret=${c.clientSecret}`,
        );
        return ((await r.json()) as { access_token?: string }).access_token;
      };
      const get = async (org: string, t: string, path: string) =>
        (await (
          await fetch(`${base}/o/${org}/rest/v1/${path}`, { headers: { authorization: `Bearer ${t}` } })
        ).json()) as {
          success: boolean;
          result?: Record<string, unknown>[];
          errors?: { code: string }[];
        };
      const ta = (await token('default', a))!;
      const tb = (await token('beta', b))!;
      expect(ta && tb).toBeTruthy();
      // A client of one organization cannot even get a token from another.
      expect(await token('beta', a)).toBeUndefined();

      const created = await fetch(`${base}/o/beta/rest/v1/leads.json`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tb}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'createOnly', input: [{ email: 'only-beta@example.com', firstName: 'Beta' }] }),
      });
      const createdBody = (await created.json()) as { result: { id: number; status: string }[] };
      expect(createdBody.result[0]!.status).toBe('created');
      const betaId = createdBody.result[0]!.id;

      // The default organization's token reads its own people, companies and activities...
      const own = await get('default', ta, 'leads.json?filterType=id&filterValues=1,2,3');
      expect(own.success).toBe(true);
      expect(own.result!.length).toBeGreaterThan(0);
      expect((await get('default', ta, 'companies.json?filterType=id&filterValues=1')).result!.length).toBe(1);
      // ...never beta's: not by email in its own API, and not at all in beta's (601: unknown token).
      expect(
        (await get('default', ta, 'leads.json?filterType=email&filterValues=only-beta@example.com')).result,
      ).toEqual([]);
      for (const path of [
        `leads.json?filterType=id&filterValues=${betaId}`,
        `lead/${betaId}.json`,
        'companies.json?filterType=id&filterValues=1',
        'activities/pagingtoken.json?sinceDatetime=2000-01-01T00:00:00Z',
      ]) {
        const r = await get('beta', ta, path);
        expect(r.success, path).toBe(false);
        expect(r.errors![0]!.code, path).toBe('601');
      }
      // Beta's own token reads its person; the unprefixed paths name no organization.
      const mine = await get('beta', tb, 'leads.json?filterType=email&filterValues=only-beta@example.com');
      expect(mine.result!.map((p) => p.id)).toEqual([betaId]);
      const bare = await fetch(`${base}/rest/v1/leads.json`, { headers: { authorization: `Bearer ${ta}` } });
      expect(bare.status).toBe(404);
      expect(((await bare.json()) as { error: string }).error).toBe('org_required');
    } finally {
      serve.child.kill('SIGTERM');
      await serve.done;
    }
  }, 240_000);
});
