/**
 * Issue 9, §1: on PostgreSQL, the commands a person runs next to a cycling `dynasync run` answer at
 * once. They all migrate on start; the migration lock once shared its advisory key with the runner
 * lock, so each of them waited in pg_advisory_lock for as long as the runner lived.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { DATABASE_URL } from '../helpers/db.js';
import { connectAndSelectDefaults, spawnCli, type CliEnv, type RunningCli } from '../reliability/helpers/cli.js';
import { waitForText } from '../reliability/helpers/wait.js';
import { createScratchDatabase, type ScratchDatabase } from '../reliability/helpers/scratch-pg.js';

/** Generous: a tsx start on a loaded 2-core machine takes a few seconds; a hang takes forever. */
const ANSWERS_WITHIN_MS = 45_000;

const waitFor = (read: () => string, pattern: RegExp, ms = 90_000): Promise<RegExpExecArray> =>
  waitForText(read, pattern, ms);

/** Runs a command and fails the test if it has not ended within the bound (killing it). */
async function answers(args: string[], env: CliEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = spawnCli(args, env);
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), ANSWERS_WITHIN_MS);
  const r = await cli.done.finally(() => clearTimeout(timer));
  if (r.signal === 'SIGKILL')
    throw new Error(`dynasync ${args.join(' ')} did not answer within ${ANSWERS_WITHIN_MS} ms\n${r.stderr}`);
  return r;
}

describe.runIf(DATABASE_URL)('commands beside a cycling `dynasync run` on PostgreSQL (two processes)', () => {
  let emu: EmulatorHandle;
  let scratch: ScratchDatabase;
  let dataDir: string;
  let env: CliEnv;
  let run: RunningCli | undefined;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, seed: 3 });
    scratch = await createScratchDatabase(DATABASE_URL!);
    dataDir = mkdtempSync(join(tmpdir(), 'dynasync-beside-'));
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

  it('status, person, api-client create and serve answer within seconds while run cycles', async () => {
    run = spawnCli(['run', '--interval', '1', '--no-serve'], env);
    let out = '';
    run.child.stdout!.on('data', (d: string) => (out += d));
    await waitFor(() => out, /cycle 2: \w+/);

    const status = await answers(['status', '--offline', '--json'], env);
    expect(status.code, status.stderr).toBe(0);
    // Every synced table, opportunities and their stakeholder connections included.
    expect((JSON.parse(status.stdout) as { tables: { table: string }[] }).tables.map((t) => t.table)).toEqual([
      'systemuser',
      'account',
      'contact',
      'lead',
      'opportunity',
      'connection',
    ]);

    const person = await answers(['person', 'show', '1', '--json'], env);
    expect(person.code, person.stderr).toBe(0);
    expect(JSON.parse(person.stdout)).toMatchObject({ person: { id: 1 } });

    const client = await answers(['api-client', 'create', 'beside-run', '--json'], env);
    expect(client.code, client.stderr).toBe(0);
    expect(JSON.parse(client.stdout)).toMatchObject({ name: 'beside-run' });

    const serve = spawnCli(['serve', '--port', '0'], env);
    let served = '';
    serve.child.stdout!.on('data', (d: string) => (served += d));
    try {
      await waitFor(() => served, /API and web UI: (http:\/\/\S+)\//, ANSWERS_WITHIN_MS);
      const url = /API and web UI: (http:\/\/\S+)\//.exec(served)![1]!;
      expect((await fetch(`${url}/metrics`)).status).toBe(200);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.done;
    }
    // The runner went on cycling meanwhile.
    const cycles = Math.max(...[...out.matchAll(/cycle (\d+): \w+/g)].map((m) => Number(m[1])));
    await waitFor(() => out, new RegExp(`cycle ${cycles + 1}: \\w+`));
    expect(out).not.toMatch(/cycle \d+: failed/);
  }, 300_000);
});
