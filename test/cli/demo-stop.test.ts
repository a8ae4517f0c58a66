/**
 * `dynasync demo` says that it stopped on Ctrl-C (SIGINT), after the runner has finished its page
 * and the emulator is closed; a Ctrl-C before the runner is up still ends the demo at once. The real
 * command as a child process, on PGlite in a fresh data directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli, type RunningCli } from '../reliability/helpers/cli.js';

let demo: RunningCli | undefined;
let dataDir: string | undefined;

afterEach(() => {
  if (demo && demo.child.exitCode === null) demo.child.kill('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  demo = undefined;
  dataDir = undefined;
});

function startDemo(): { demo: RunningCli; output: () => string } {
  dataDir = mkdtempSync(join(tmpdir(), 'dynasync-demo-stop-'));
  demo = spawnCli(['demo', '--seed', 'small', '--port', '0', '--no-simulate', '--interval', '600'], {
    dataDir,
    logLevel: 'warn',
  });
  let out = '';
  demo.child.stdout!.on('data', (d: string) => (out += d));
  return { demo, output: () => out };
}

async function until(what: string, ok: () => boolean, child: RunningCli): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!ok()) {
    if (child.child.exitCode !== null) throw new Error(`the demo exited before ${what}`);
    if (Date.now() > deadline) throw new Error(`no ${what} within 120 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('dynasync demo and Ctrl-C', () => {
  it('says it stopped on Ctrl-C once its runner has stopped', async () => {
    const { demo: d, output } = startDemo();
    await until('first cycle', () => /cycle \d+: success/.test(output()), d);
    d.child.kill('SIGINT');
    const r = await d.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Demo stopped \(Ctrl-C\): the last cycle is saved and the emulator is closed\.\n$/);
  }, 180_000);

  it('ends at once on a Ctrl-C before its runner is up', async () => {
    const { demo: d, output } = startDemo();
    await until('the emulator', () => output().includes('Dataverse emulator:'), d);
    d.child.kill('SIGINT');
    const r = await d.done;
    expect(r.signal ?? r.code).not.toBeNull();
    expect(r.stdout).not.toMatch(/cycle \d+:/);
  }, 180_000);
});
