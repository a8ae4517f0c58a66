/**
 * Issue 12 §3 through real processes: `dynasync run` with DYNASYNC_DATAVERSE_SHARE saves the
 * Dataverse budget it spent (at least at stop), and `dynasync status`, another process, shows it
 * with the share applied to Dataverse's limits.
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
  dataDir = mkdtempSync(join(tmpdir(), 'dynasync-budget-'));
  env = { dataDir, logLevel: 'warn', extra: { DYNASYNC_DATAVERSE_SHARE: '0.5' } };
  await connectAndSelectDefaults(emu.url, env);
}, 180_000);
afterAll(async () => {
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const waitFor = (read: () => string, pattern: RegExp, ms = 90_000): Promise<RegExpExecArray> =>
  waitForText(read, pattern, ms);

describe('dynasync run: the Dataverse budget in status', () => {
  it('saves what it spent, and status shows it against its share of the limits', async () => {
    const run = spawnCli(['run', '--interval', '3600', '--no-serve'], env);
    let out = '';
    run.child.stdout!.on('data', (d: string) => (out += d));
    await waitFor(() => out, /cycle 1: success/);
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(0);

    const status = await runCli(['status', '--offline'], env);
    const line = status.stdout.split('\n').find((l) => l.startsWith('Dataverse budget:'));
    expect(line).toMatch(
      /^Dataverse budget: this window \(300 s, share 50 %\): ([1-9][\d,]*) of 2,850 requests, [\d.]+ of 570 s execution time, 0 in flight$/,
    );
  }, 180_000);
});
