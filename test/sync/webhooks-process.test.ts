/**
 * Issue 12 §1 on PostgreSQL with separate processes: the emulator (this process) pushes to a
 * `dynasync run` child with push on; an edit made in Dynamics is served by the REST API well before
 * the polling interval (five minutes) could have brought it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { DATABASE_URL } from '../helpers/db.js';
import {
  connectAndSelectDefaults,
  runCli,
  spawnCli,
  type CliEnv,
  type RunningCli,
} from '../reliability/helpers/cli.js';
import { createScratchDatabase, type ScratchDatabase } from '../reliability/helpers/scratch-pg.js';
import { emulatorRows } from './world.js';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

const until = async <T>(read: () => Promise<T | undefined> | T | undefined, what: string, ms = 90_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.runIf(DATABASE_URL)('push on PostgreSQL: emulator → `dynasync run` (two processes)', () => {
  let emu: EmulatorHandle;
  let scratch: ScratchDatabase;
  let dataDir: string;
  let env: CliEnv;
  let run: RunningCli | undefined;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, seed: 3 });
    scratch = await createScratchDatabase(DATABASE_URL!);
    dataDir = mkdtempSync(join(tmpdir(), 'dynasync-push-'));
    env = { dataDir, logLevel: 'warn', extra: { DATABASE_URL: scratch.url } };
    await connectAndSelectDefaults(emu.url, env);
  }, 180_000);
  afterAll(async () => {
    if (run && run.child.exitCode === null) {
      run.child.kill('SIGTERM');
      await run.done;
    }
    await emu?.close();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('an edit in Dynamics reaches the REST API in seconds, with a five-minute interval', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const client = JSON.parse((await runCli(['api-client', 'create', 'push-test', '--json'], env)).stdout) as {
      clientId: string;
      clientSecret: string;
    };
    run = spawnCli(['run', '--interval', '300', '--port', String(port)], env);
    let out = '';
    run.child.stdout!.on('data', (d: string) => (out += d));
    await until(() => (/cycle 1: success/.test(out) ? true : undefined), 'the first cycle');
    // Registered beside the running runner: a third process on the same database.
    await runCli(['webhook', 'register', '--url', url], env);

    const [contact] = await emulatorRows({ emu }, 'contacts', ['contactid', 'emailaddress1'], 'emailaddress1 ne null');
    const token = (
      (await (
        await fetch(
          `${url}/identity/oauth/token?grant_type=client_credentials&client_id=${client.clientId}&client_secret=${client.clientSecret}`,
        )
      ).json()) as { access_token: string }
    ).access_token;
    const title = `Pushed ${Date.now()}`;
    const editedAt = Date.now();
    emu.ctx.data.update(
      {
        userId: emu.ctx.identity.userIdByName('rep@contoso.test')!,
        name: 'rep@contoso.test',
        kind: 'user',
        appId: 'x',
      },
      'contact',
      contact!.contactid as string,
      { jobtitle: title },
    );
    const seenAfter = await until(async () => {
      const email = encodeURIComponent(contact!.emailaddress1 as string);
      const res = await fetch(`${url}/rest/v1/leads.json?filterType=email&filterValues=${email}&fields=title`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { result?: { title?: string }[] };
      return body.result?.some((r) => r.title === title) ? Date.now() - editedAt : undefined;
    }, 'the pushed edit in the REST API');
    expect(seenAfter).toBeLessThan(60_000); // the interval is 300 s: only the push can explain it
    expect(out).not.toMatch(/cycle 2: .* full read/);

    const status = JSON.parse((await runCli(['webhook', 'status', '--json', '--offline'], env)).stdout) as {
      on: boolean;
      notifications: number;
      lastChangeToVisibleMs: number | null;
    };
    expect(status.on).toBe(true);
    expect(status.notifications).toBeGreaterThanOrEqual(1);
    expect(status.lastChangeToVisibleMs).not.toBeNull();
  }, 240_000);
});
