/**
 * Issue 9, §1 "the forever runner can die", for the embedded database: `dynasync run` on PGlite
 * while the file system under its data directory fills up, and while its files turn read-only.
 * In both cases the runner stays up, says what is wrong (in its log and in /metrics), does not
 * spin (backoff), and syncs again by itself once the cause is gone, with nothing lost.
 *
 * Needs root: a small tmpfs is mounted for the full disk, and the runner runs as `nobody` so that
 * taking the write permission away bites (root writes through any mode).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/logger.js';
import { DataverseWriter } from '../../src/dataverse/index.js';
import { DEFAULT_APP_ID, DEFAULT_PASSWORD, startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { connectAndSelectDefaults, runCli, spawnCli, type CliEnv, type RunningCli } from './helpers/cli.js';
import { waitForText } from './helpers/wait.js';

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

function canMount(): boolean {
  if (!isRoot) return false;
  const probe = mkdtempSync(join(tmpdir(), 'dynasync-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const waitFor = (read: () => string, pattern: RegExp, ms = 120_000): Promise<RegExpExecArray> =>
  waitForText(read, pattern, ms);

const successes = (out: string): number => [...out.matchAll(/cycle \d+: success/g)].length;

async function metrics(url: string): Promise<string> {
  try {
    return await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  } catch {
    return '';
  }
}

async function waitForMetric(url: string, pattern: RegExp, ms = 90_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const text = await metrics(url);
    if (pattern.test(text)) return text;
    if (Date.now() > end) throw new Error(`timed out waiting for ${pattern} in /metrics:\n${text.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const rep = (orgUrl: string) =>
  new DataverseWriter({
    settings: {
      orgUrl,
      authKind: 'password',
      username: 'rep@contoso.test',
      password: DEFAULT_PASSWORD,
      clientId: DEFAULT_APP_ID,
      tenant: 'contoso',
    },
    logger: silentLogger(),
  });

interface Fixture {
  readonly env: CliEnv;
  readonly run: RunningCli;
  readonly url: string;
  readonly out: () => string;
  readonly err: () => string;
}

async function startRun(emuUrl: string, dataDir: string, uid?: number): Promise<Fixture> {
  const env: CliEnv = { dataDir, logLevel: 'warn', ...(uid !== undefined ? { uid } : {}) };
  await connectAndSelectDefaults(emuUrl, env);
  const run = spawnCli(['run', '--interval', '1', '--port', '0'], env);
  let out = '';
  let err = '';
  run.child.stdout!.on('data', (d: string) => (out += d));
  run.child.stderr!.on('data', (d: string) => (err += d));
  const url = (await waitFor(() => out, /API and web UI: (http:\/\/\S+)\//))[1]!;
  await waitFor(() => out, /cycle 2: success/);
  return { env, run, url, out: () => out, err: () => err };
}

/** Stops the runner, then checks what it stored against the emulator. */
async function expectConverged(f: Fixture, emu: EmulatorHandle): Promise<void> {
  f.run.child.kill('SIGTERM');
  const end = await f.run.done;
  expect(end.code, f.err()).toBe(0);
  const status = JSON.parse((await runCli(['status', '--offline', '--json'], f.env)).stdout) as {
    tables: { table: string; stored: number; deletedInDynamics: number }[];
  };
  const live = (t: string) => {
    const s = status.tables.find((x) => x.table === t)!;
    return s.stored - s.deletedInDynamics;
  };
  expect(live('contact')).toBe(emu.ctx.data.count('contact'));
  expect(live('account')).toBe(emu.ctx.data.count('account'));
}

describe.runIf(isRoot && canMount())('run on PGlite outlives a full or read-only disk (separate process)', () => {
  let emu: EmulatorHandle;
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, seed: 3 });
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) c();
    await emu?.close();
  });

  it('a full disk: a clear error, backoff instead of a crash loop, recovery once space is free', async () => {
    const mount = mkdtempSync(join(tmpdir(), 'dynasync-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=160m', 'tmpfs', mount]);
    cleanups.push(() => {
      execFileSync('umount', ['-l', mount]);
      rmSync(mount, { recursive: true, force: true });
    });
    const f = await startRun(emu.url, join(mount, 'data'));
    try {
      const filler = join(mount, 'filler');
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1M', 'count=400'], { stdio: 'ignore' });
      } catch {
        // dd stops at "No space left on device": that is the point.
      }
      const writer = rep(emu.url);
      const before = successes(f.out());
      for (let i = 0; i < 40; i++)
        await writer.create('contacts', { firstname: 'Full', lastname: `Disk ${i}`, description: 'x'.repeat(2000) });
      await waitForMetric(f.url, /dynasync_runner_failing\{code="database_full"/);
      expect(f.run.child.exitCode, f.err()).toBeNull();
      expect(f.err()).toMatch(/disk is full|No space left/i);
      // Backoff: a few attempts, not one per second.
      await new Promise((r) => setTimeout(r, 8_000));
      const attempts = [...f.err().matchAll(/"code":"database_full"[^\n]*sync cycle failed/g)].length;
      expect(attempts).toBeLessThanOrEqual(6);

      rmSync(filler);
      await waitFor(() => f.out().slice(f.out().lastIndexOf('cycle')), /success/, 120_000);
      await waitFor(() => String(successes(f.out()) - before), /^[2-9]|\d{2,}/, 120_000);
      await waitForMetric(f.url, /^(?![\s\S]*dynasync_runner_failing\{)/);
      await expectConverged(f, emu);
    } finally {
      if (f.run.child.exitCode === null) f.run.child.kill('SIGKILL');
      writeFileSync(join(tmpdir(), 'embedded-disk-full.log'), f.out() + '\n---\n' + f.err());
    }
  }, 400_000);

  it('read-only files: a clear error, and recovery once they are writable again', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'dynasync-ro-')), 'data');
    mkdirSync(dataDir, { mode: 0o700 });
    chownSync(dataDir, NOBODY, NOBODY);
    chmodSync(join(dataDir, '..'), 0o755);
    cleanups.push(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));
    const f = await startRun(emu.url, dataDir, NOBODY);
    try {
      const before = successes(f.out());
      execFileSync('chmod', ['-R', 'a-w', join(dataDir, 'pgdata')]);
      const writer = rep(emu.url);
      for (let i = 0; i < 20; i++) await writer.create('contacts', { firstname: 'Read', lastname: `Only ${i}` });
      await waitForMetric(f.url, /dynasync_runner_failing\{code="database_read_only"/);
      expect(f.run.child.exitCode, f.err()).toBeNull();

      execFileSync('chmod', ['-R', 'u+w', join(dataDir, 'pgdata')]);
      await waitFor(() => String(successes(f.out()) - before), /^[2-9]|\d{2,}/, 120_000);
      await waitForMetric(f.url, /^(?![\s\S]*dynasync_runner_failing\{)/);
      await expectConverged(f, emu);
    } finally {
      execFileSync('chmod', ['-R', 'u+w', join(dataDir, 'pgdata')]);
      if (f.run.child.exitCode === null) f.run.child.kill('SIGKILL');
      writeFileSync(join(tmpdir(), 'embedded-disk-ro.log'), f.out() + '\n---\n' + f.err());
    }
  }, 400_000);
});
