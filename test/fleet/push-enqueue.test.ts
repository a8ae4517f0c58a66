/**
 * Issue 13 §2 (push → queue): a Dataverse webhook received by `dynasync serve` for one
 * organization (/o/<name>/hooks/dataverse) queues that organization's cycle through pg-boss, and a
 * `dynasync worker` (another process) runs it at once although its interval is an hour; the
 * other organization's job stays where it was. Both organizations live on one emulator fleet
 * process (by path prefix). PostgreSQL, three processes: test, serve, worker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/index.js';
import { startEmulatorFleet, type EmulatorFleet, type FleetOrg } from '../../src/emulator/index.js';
import { openDb } from '../../src/store/db/index.js';
import { BOSS_SCHEMA, CYCLE_QUEUE, openFleetDb } from '../../src/store/fleet/index.js';
import { DATABASE_URL } from '../helpers/db.js';
import { runCli, spawnCli, type CliEnv, type RunningCli } from '../reliability/helpers/cli.js';
import { createScratchDatabase, type ScratchDatabase } from '../reliability/helpers/scratch-pg.js';
import { WebApi } from '../reliability/helpers/web-api.js';

const until = async <T>(what: string, fn: () => Promise<T | undefined>, ms = 120_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(250);
  }
};

describe.runIf(DATABASE_URL)('a push notification queues the organization cycle (PostgreSQL)', () => {
  let emu: EmulatorFleet;
  let scratch: ScratchDatabase;
  let dataDir: string;
  let env: CliEnv;
  const procs: RunningCli[] = [];

  beforeAll(async () => {
    emu = await startEmulatorFleet({ orgs: { north: { seed: 2 }, south: { seed: 2 } } });
    scratch = await createScratchDatabase(DATABASE_URL!);
    dataDir = mkdtempSync(join(tmpdir(), 'dynasync-push-queue-'));
    env = { dataDir, logLevel: 'warn', extra: { DATABASE_URL: scratch.url } };
    for (const name of ['north', 'south']) {
      await runCli(['org', 'add', name, '--interval', '3600'], env);
      const args = ['--url', emu.urlOf(name), '--authority', emu.url, '--tenant', name];
      const user = ['--username', 'sync@contoso.test', '--password', 'Passw0rd!', '--client-id', 'dynasync-local'];
      await runCli(['connect', ...args, ...user, '--org', name], env);
      await runCli(['fields', '--defaults', '--org', name], env);
    }
  }, 240_000);

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.done));
    await emu?.close();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("a rep's edit reaches the lead database through webhook → queue → worker, long before the interval", async () => {
    const serve = spawnCli(['serve', '--port', '0'], env);
    procs.push(serve);
    let out = '';
    serve.child.stdout!.on('data', (d: string) => (out += d));
    const base = await until('serve', async () => /http:\/\/127\.0\.0\.1:\d+/.exec(out)?.[0]);
    await runCli(['webhook', 'register', '--org', 'north', '--url', `${base}/o/north/hooks/dataverse`], env);

    const worker = spawnCli(['worker', '--poll', '0.5', '--schedule-every', '1', '--maintenance', '5'], env);
    procs.push(worker);
    let workerOut = '';
    worker.child.stdout!.on('data', (d: string) => (workerOut += d));
    await until('the worker', async () => (/started/.test(workerOut) ? true : undefined));
    const fleet = openFleetDb(scratch.url, silentLogger());
    const north = await openDb({ databaseUrl: scratch.url, schema: 'org_north', logger: silentLogger() });
    try {
      const waiting = async (org: string) =>
        (
          await fleet.query<{ start_after: Date }>(
            `SELECT start_after FROM ${BOSS_SCHEMA}.job WHERE name = $1 AND singleton_key = $2 AND state = 'created'`,
            [CYCLE_QUEUE, org],
          )
        ).rows[0]?.start_after;
      // Both initial cycles done: each organization's next job waits an hour.
      for (const org of ['north', 'south'])
        await until(`${org}'s next job`, async () => {
          const at = await waiting(org);
          return at && at.getTime() > Date.now() + 3_000_000 ? at : undefined;
        });
      const southBefore = await waiting('south');

      const org = (await emu.org('north')) as FleetOrg;
      const rep = new WebApi(org);
      const [contact] = await rep.readAll('contacts', ['contactid']);
      const id = String(contact!.contactid);
      const title = `Pushed ${Date.now()}`;
      const editedAt = Date.now();
      await rep.update('contacts', id, { jobtitle: title });

      const seenAfterMs = await until(
        'the pushed edit in the lead database',
        async () => {
          const r = await north.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM persons WHERE dynamics_id = $1 AND fields::text LIKE '%' || $2 || '%'`,
            [id, title],
          );
          return r.rows[0]!.n > 0 ? Date.now() - editedAt : undefined;
        },
        60_000,
      );
      expect(seenAfterMs).toBeLessThan(60_000);
      const runs = await north.query<{ trigger: string }>(`SELECT trigger FROM sync_runs ORDER BY id`);
      expect(runs.rows.map((r) => r.trigger)).toContain('push');
      expect(org.webhooks).toBeDefined();
      // The other organization's job is where it was (the notification was north's alone).
      expect(await waiting('south')).toEqual(southBefore);
    } finally {
      await north.close();
      await fleet.close();
    }
    worker.child.kill('SIGTERM');
    serve.child.kill('SIGTERM');
    expect((await worker.done).code).toBe(0);
  }, 300_000);
});
