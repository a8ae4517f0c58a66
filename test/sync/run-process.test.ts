/**
 * `dynasync run` as a real process: the first cycle, `dynasync sync-now` from another process
 * cutting the wait short (PGlite admits one process, so it must not need the database), and
 * SIGTERM ending the runner cleanly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { connectAndSelectDefaults, runCli, spawnCli, type CliEnv } from '../reliability/helpers/cli.js';
import { waitForText } from '../reliability/helpers/wait.js';

let emu: EmulatorHandle;
let dataDir: string;
let env: CliEnv;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: 3 });
  dataDir = mkdtempSync(join(tmpdir(), 'dynasync-run-'));
  env = { dataDir, logLevel: 'warn' };
  await connectAndSelectDefaults(emu.url, env);
});
afterAll(async () => {
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const waitFor = (read: () => string, pattern: RegExp, ms = 60_000): Promise<RegExpExecArray> =>
  waitForText(read, pattern, ms);

describe('dynasync run (process)', () => {
  it('syncs, answers sync-now from another process, and stops cleanly on SIGTERM', async () => {
    const run = spawnCli(['run', '--interval', '3600', '--no-serve'], env);
    let out = '';
    run.child.stdout!.on('data', (d: string) => (out += d));
    await waitFor(() => out, /cycle 1: success/);

    const now = await runCli(['sync-now'], env);
    expect(now.stdout).toMatch(new RegExp(`Asked runner ${run.child.pid} to sync now`));
    await waitFor(() => out, /cycle 2: success/);

    const locked = await runCli(['status', '--offline'], env, { allowFailure: true });
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/data_dir_locked/);

    run.child.kill('SIGTERM');
    const done = await run.done;
    expect(done.code).toBe(0);
    const after = await runCli(['sync-now'], env, { allowFailure: true });
    expect(after.stderr).toMatch(/No runner is running/);
  });
});
