/**
 * Soak (issue 6 item 6): `dynasync demo` (emulator, sync runner, simulated sales reps editing
 * Dynamics every 3 s) runs as a real process with a cycle every 5 s. Its memory must stay flat,
 * nothing may fail, and once the reps stop, the lead database must equal Dynamics.
 *
 * SOAK_SECONDS sets the duration (quick: 30, full: 600), SOAK_INTERVAL the cycle interval (5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli, type RunningCli } from './helpers/cli.js';
import { compareWithEmulator, describeMismatches } from './helpers/compare.js';
import { readSnapshot, readSyncErrors, withLeadDb } from './helpers/lead-db.js';
import { memoryFigures, rssMb, type Sample } from './helpers/memory.js';
import { envInt, FULL } from './helpers/mode.js';
import { recordFigures } from './helpers/report.js';
import { FrozenRows, WebApi } from './helpers/web-api.js';

const SECONDS = envInt('SOAK_SECONDS', FULL ? 600 : 30);
const INTERVAL = envInt('SOAK_INTERVAL', 5);
const dataDir = mkdtempSync(join(tmpdir(), 'dynasync-soak-'));
let demo: RunningCli | undefined;

afterAll(() => {
  if (demo && demo.child.exitCode === null) demo.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.once('error', reject);
  });
}

/** Lines the demo wrote so far, parsed: its cycles (stdout) and its pino log (stderr). */
function observe(run: RunningCli) {
  let out = '';
  let err = '';
  run.child.stdout!.on('data', (d: string) => (out += d));
  run.child.stderr!.on('data', (d: string) => (err += d));
  return {
    cycles: () => [...out.matchAll(/^cycle (\d+): (\w+)/gm)].map((m) => ({ id: Number(m[1]), status: m[2]! })),
    logs: () =>
      err
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: number; msg: string; err?: string }),
    stdout: () => out,
  };
}

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe(`soak: the demo with simulated reps, ${SECONDS} s at a ${INTERVAL}-second interval`, () => {
  it(
    'keeps memory flat, fails nothing, and ends equal to Dynamics',
    async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      demo = spawnCli(
        // Reps only: the end compares a frozen read of Dynamics with the lead database, and a local
        // edit made between the two would be a false mismatch (writeback-crash.test.ts proves writes).
        [
          'demo',
          '--seed',
          'small',
          '--emulator-port',
          String(port),
          '--port',
          '0',
          '--interval',
          String(INTERVAL),
          '--no-marketing',
        ],
        { dataDir, logLevel: 'info' },
      );
      const seen = observe(demo);
      await until('the initial sync', () => seen.cycles().length >= 1, 300_000);
      const started = Date.now();
      const samples: Sample[] = [];
      while (Date.now() - started < SECONDS * 1000) {
        const mb = rssMb(demo.child.pid!);
        if (mb !== null) samples.push({ atMs: Date.now(), rssMb: mb });
        if (demo.child.exitCode !== null) throw new Error(`the demo exited early:\n${seen.stdout()}`);
        await sleep(Math.min(2000, Math.max(250, SECONDS * 10)));
      }
      const repActions = seen.logs().filter((l) => l.msg === 'simulated rep edit in Dynamics').length;
      const repFailures = seen.logs().filter((l) => l.msg === 'simulated rep edit failed').length;

      // Stop the reps (their user is disabled), then let two full cycles pass: the second began after the last edit.
      const stoppedAt = Date.now();
      const res = await fetch(`${url}/_emulator/users/rep@contoso.test/disabled`, {
        method: 'PUT',
        body: JSON.stringify({ disabled: true }),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBeLessThan(300);
      await sleep(1000);
      const base = seen.cycles().length;
      await until(
        'two cycles after the reps stopped',
        () => seen.cycles().length >= base + 2,
        (INTERVAL * 3 + 60) * 1000,
      );
      const dynamics = await FrozenRows.read(
        new WebApi({ url, tokenEndpoint: `${url}/contoso/oauth2/v2.0/token` }, 'sync@contoso.test'),
        ['systemusers', 'accounts', 'contacts', 'leads'],
      );
      demo.child.kill('SIGTERM');
      const exit = await demo.done;

      const verdict = await withLeadDb(join(dataDir, 'demo'), async (db) => {
        const snap = await readSnapshot(db);
        return { comparison: await compareWithEmulator(dynamics, snap), errors: await readSyncErrors(db) };
      });
      const cycles = seen.cycles();
      const failedCycles = cycles.filter((c) => c.status !== 'success');
      const errorLogs = seen.logs().filter((l) => l.level >= 50);
      const memory = memoryFigures(samples, Math.min(120_000, (SECONDS * 1000) / 3));
      recordFigures('soak', {
        seconds: SECONDS,
        intervalSeconds: INTERVAL,
        cycles: cycles.length,
        failedCycles: failedCycles.length,
        repActions,
        repFailuresBeforeStop: repFailures,
        errorLogLines: errorLogs.length,
        syncErrors: verdict.errors.length,
        recordsCompared: verdict.comparison.records,
        fieldsCompared: verdict.comparison.fieldsCompared,
        recordsLostOrWrong: verdict.comparison.mismatches.length,
        exit: exit.code ?? exit.signal,
        stopToEqualSeconds: Math.round((Date.now() - stoppedAt) / 1000),
        memory,
      });

      expect(exit.code, exit.stderr.slice(-2000)).toBe(0);
      expect(failedCycles).toEqual([]);
      expect(cycles.length).toBeGreaterThanOrEqual(Math.floor(SECONDS / (INTERVAL + 5)));
      expect(repActions).toBeGreaterThan(SECONDS / 6);
      expect(errorLogs.map((l) => `${l.msg} ${l.err ?? ''}`)).toEqual([]);
      expect(verdict.errors).toEqual([]);
      expect(verdict.comparison.mismatches, describeMismatches(verdict.comparison.mismatches)).toEqual([]);
      // Flat: a leak of even 1 MB per cycle shows as 12 MB/min at a 5 s interval.
      if (SECONDS >= 300) expect(memory.slopeMbPerMin).toBeLessThan(3);
      expect(memory.growthMb).toBeLessThan(SECONDS >= 300 ? 40 : 150);
    },
    (SECONDS + 420) * 1000,
  );
});
