/**
 * The benchmark harness itself, end to end on the small seed: it starts the emulator and the sync
 * as processes, runs the initial sync with its baselines and idle cycles, and reports well-formed
 * figures. No timing is asserted (speed is
 * what the benchmark reports, not what a test checks).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'dynasync-bench-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface IdleResult {
  cycles: number;
  cycleMs: number[];
  warmMedianMs: number;
  requestsPerTablePerCycle: Record<string, number>;
  peakRssMb: number;
  recordsChanged: number;
  targets: { what: string; met: boolean }[];
  load: { before: number[]; after: number[] };
}

interface InitialResult {
  records: number;
  efficiency: number;
  cpuSharedBound: { ms: number; recordsPerSec: number };
  vsCpuSharedBound: number;
  cpuUsPerRecord: { sync: number; postgres: number | null };
}

it('runs the initial and idle scenarios on the small seed and reports positive figures', async () => {
  const run = promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/run.ts',
      '--scenario',
      'initial',
      '--scenario',
      'idle',
      '--seed',
      'small',
      '--db',
      'pglite',
      '--out',
      out,
    ],
    { cwd: root, env: { ...process.env, DATABASE_URL: '' }, maxBuffer: 16 << 20 },
  );
  const child = run.child.pid;
  const { stdout } = await run;
  const doc = JSON.parse(stdout) as {
    runtime: string;
    machine: { cpus: number; node: string };
    results: { idle: { pglite: IdleResult }; initial: { pglite: InitialResult } };
  };
  // Children ran the compiled build, as an installed dynasync does.
  expect(doc.runtime).toBe('built');
  expect(doc.machine.cpus).toBeGreaterThan(0);
  expect(doc.machine.node).toBe(process.version);
  // The initial sync's efficiency, beside the CPU-shared bound and the CPU per record (PGlite: the
  // database runs inside the sync process, so PostgreSQL has no figure of its own).
  const initial = doc.results.initial.pglite;
  expect(initial.records).toBeGreaterThan(0);
  for (const x of [
    initial.efficiency,
    initial.vsCpuSharedBound,
    initial.cpuSharedBound.ms,
    initial.cpuSharedBound.recordsPerSec,
    initial.cpuUsPerRecord.sync,
  ]) {
    expect(x).toBeGreaterThan(0);
  }
  expect(initial.cpuUsPerRecord.postgres).toBeNull();
  const idle = doc.results.idle.pglite;
  expect(idle.cycleMs).toHaveLength(idle.cycles);
  for (const ms of [...idle.cycleMs, idle.warmMedianMs, idle.peakRssMb]) expect(ms).toBeGreaterThan(0);
  // Nothing changed in the emulator: one delta request per table per cycle, nothing written.
  expect(idle.requestsPerTablePerCycle).toEqual({ systemusers: 1, accounts: 1, contacts: 1 });
  expect(idle.recordsChanged).toBe(0);
  expect(idle.targets.map((t) => t.what)).toEqual(['idle cycle (warm, median)', 'requests per table per cycle']);
  expect(idle.load.before).toHaveLength(3);
  // The same document is written to the output directory, one file per scenario.
  const files = readdirSync(out).filter((f) => f.endsWith('-idle.json'));
  expect(files).toHaveLength(1);
  expect(JSON.parse(readFileSync(join(out, files[0]!), 'utf8'))).toMatchObject({
    scenario: 'idle',
    result: { pglite: { cycles: idle.cycles } },
  });
  // The build of this run is removed at its end.
  expect(existsSync(join(root, '.bench-build', String(child)))).toBe(false);
}, 300_000);
