/**
 * Issue 9, §1 "the forever runner can die", for real on PostgreSQL with separate processes: a
 * `dynasync run` cycling every second (serving the API too) and a `dynasync serve` beside it. The
 * scratch database is taken away (no new connections, every backend terminated: the shared server
 * itself cannot be restarted here, other tests use it) and given back. Both processes stay alive,
 * the runner logs the outage and completes cycles again by itself, both servers answer again, and
 * the Dynamics changes made during the outage arrive: nothing is lost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/logger.js';
import { DataverseWriter } from '../../src/dataverse/index.js';
import { DEFAULT_APP_ID, DEFAULT_PASSWORD, startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { DATABASE_URL } from '../helpers/db.js';
import { connectAndSelectDefaults, runCli, spawnCli, type CliEnv, type RunningCli } from './helpers/cli.js';
import { waitForText } from './helpers/wait.js';
import { createScratchDatabase, type ScratchDatabase } from './helpers/scratch-pg.js';

const OUTAGE_MS = 6_000;

const waitFor = (read: () => string, pattern: RegExp, ms = 120_000): Promise<RegExpExecArray> =>
  waitForText(read, pattern, ms);

const lastCycle = (out: string): number =>
  Math.max(0, ...[...out.matchAll(/cycle (\d+): \w+/g)].map((m) => Number(m[1])));

/** The scratch database's name, and a connection to the server's maintenance database to switch it. */
async function withServer<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function takeAway(name: string): Promise<void> {
  await withServer(async (c) => {
    await c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await c.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
  });
}

const giveBack = (name: string) =>
  withServer(async (c) => void (await c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`)));

const scrape = async (url: string): Promise<string> => {
  try {
    return await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  } catch {
    return '';
  }
};

describe.runIf(DATABASE_URL)(
  'run and serve outlive an outage of their PostgreSQL database (separate processes)',
  () => {
    let emu: EmulatorHandle;
    let scratch: ScratchDatabase;
    let dataDir: string;
    let env: CliEnv;
    const children: RunningCli[] = [];

    beforeAll(async () => {
      emu = await startEmulator({ port: 0, seed: 3 });
      scratch = await createScratchDatabase(DATABASE_URL!);
      dataDir = mkdtempSync(join(tmpdir(), 'dynasync-outage-'));
      env = { dataDir, logLevel: 'warn', extra: { DATABASE_URL: scratch.url } };
      await connectAndSelectDefaults(emu.url, env);
    }, 180_000);
    afterAll(async () => {
      const name = scratch ? new URL(scratch.url).pathname.slice(1) : null;
      if (name) await giveBack(name).catch(() => undefined);
      for (const c of children) {
        if (c.child.exitCode === null) c.child.kill('SIGTERM');
        await c.done;
      }
      await emu?.close();
      await scratch?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('both carry on by themselves once the database is back, with nothing lost', async () => {
      const name = new URL(scratch.url).pathname.slice(1);
      const run = spawnCli(['run', '--interval', '1', '--port', '0'], env);
      const serve = spawnCli(['serve', '--port', '0'], env);
      children.push(run, serve);
      let out = '';
      let err = '';
      let served = '';
      run.child.stdout!.on('data', (d: string) => (out += d));
      run.child.stderr!.on('data', (d: string) => (err += d));
      serve.child.stdout!.on('data', (d: string) => (served += d));
      const runUrl = (await waitFor(() => out, /API and web UI: (http:\/\/\S+)\//))[1]!;
      const serveUrl = (await waitFor(() => served, /API and web UI: (http:\/\/\S+)\//))[1]!;
      await waitFor(() => out, /cycle 2: success/);

      const rep = new DataverseWriter({
        settings: {
          orgUrl: emu.url,
          authKind: 'password',
          username: 'rep@contoso.test',
          password: DEFAULT_PASSWORD,
          clientId: DEFAULT_APP_ID,
          tenant: 'contoso',
        },
        logger: silentLogger(),
      });
      await takeAway(name);
      try {
        // Changes made in Dynamics while the lead database is away.
        for (let i = 0; i < 3; i++)
          await rep.create('contacts', {
            firstname: 'Outage',
            lastname: `Contact ${i}`,
            emailaddress1: `outage${i}@example.test`,
          });
        await new Promise((r) => setTimeout(r, OUTAGE_MS));
        expect(run.child.exitCode, err).toBeNull();
        expect(serve.child.exitCode).toBeNull();
        // /metrics still answers, and says the database does not.
        expect(await scrape(serveUrl)).toMatch(/^dynasync_database_up 0$/m);
      } finally {
        await giveBack(name);
      }
      const failedAt = lastCycle(out);
      expect(err).toMatch(/database_unavailable|not currently accepting connections|terminating connection/);

      // The runner completes cycles again without anyone restarting it; both servers answer again.
      await waitFor(
        () => out,
        new RegExp(`cycle (${failedAt + 1}|${failedAt + 2}|${failedAt + 3}|${failedAt + 4}): success`),
      );
      await waitFor(
        () => out.slice(out.lastIndexOf(`cycle ${failedAt + 1}:`)),
        /cycle \d+: success[\s\S]*cycle \d+: success/,
      );
      for (const url of [runUrl, serveUrl]) {
        const end = Date.now() + 30_000;
        while (!/^dynasync_database_up 1$/m.test(await scrape(url)) && Date.now() < end)
          await new Promise((r) => setTimeout(r, 250));
        expect(await scrape(url), url).toMatch(/^dynasync_database_up 1$/m);
      }

      // Nothing lost: what Dynamics holds is what the lead database holds.
      const status = JSON.parse((await runCli(['status', '--offline', '--json'], env)).stdout) as {
        tables: { table: string; stored: number; deletedInDynamics: number }[];
        runner: { state: string; lastError: { code: string } | null } | null;
      };
      const live = (t: string) => {
        const s = status.tables.find((x) => x.table === t)!;
        return s.stored - s.deletedInDynamics;
      };
      expect(live('contact')).toBe(emu.ctx.data.count('contact'));
      expect(live('account')).toBe(emu.ctx.data.count('account'));
      expect(status.runner).toMatchObject({ state: 'ok', lastError: { code: 'database_unavailable' } });
      expect(run.child.exitCode).toBeNull();
    }, 400_000);
  },
);
