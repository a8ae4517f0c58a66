/**
 * `npm run bench [-- --scenario NAME] [--seed small|medium|large] [--db pglite|postgres|both] [--profile] [--out DIR]
 *   [--runtime built|tsx] [--duration SECONDS] [--custom-table NAME ...]
 *   [--orgs N --busy N --workers 1,2,4]`  (fleet: only when named)
 *
 * `--custom-table` (repeatable): every database the run creates enables that custom table of the
 * seed (medium and large: new_event_registration, new_product_interest) before its first sync.
 * Runs the scenarios (all by default), prints one JSON document on stdout and writes each scenario's
 * result to bench-results/<timestamp>-<scenario>.json. Progress goes to stderr. PostgreSQL is used
 * when DATABASE_URL is set (a fresh database per run, dropped at the end).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { serverUrl, type Backend } from './lib/database.js';
import { gitCommit, load, machine } from './lib/machine.js';
import { prepareBuild, removeBuild } from './lib/build.js';
import { REPO_ROOT } from './lib/proc.js';
import { Workbench } from './lib/workbench.js';
import { SCENARIOS } from './scenarios/index.js';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', multiple: true },
    seed: { type: 'string' },
    db: { type: 'string' },
    profile: { type: 'boolean' },
    out: { type: 'string' },
    runtime: { type: 'string' },
    duration: { type: 'string' },
    orgs: { type: 'string' },
    busy: { type: 'string' },
    workers: { type: 'string' },
    'custom-table': { type: 'string', multiple: true },
  },
  strict: true,
});

/** `--duration <s>`: how long a load scenario (push) runs; its own default otherwise. */
function duration(): number | undefined {
  if (values.duration === undefined) return undefined;
  const s = Number(values.duration);
  if (!Number.isInteger(s) || s < 1) throw new Error('--duration must be a whole number of seconds');
  return s;
}

/** `--orgs`, `--busy`, `--workers 1,2,4` (the fleet scenario). */
function fleetOptions() {
  const whole = (flag: string, v: string | undefined, min: number) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be a whole number >= ${min}`);
    return n;
  };
  const orgs = whole('--orgs', values.orgs, 0);
  const busy = whole('--busy', values.busy, 0);
  const workers = values.workers?.split(',').map((w) => whole('--workers', w, 1)!);
  return {
    ...(orgs === undefined ? {} : { orgs }),
    ...(busy === undefined ? {} : { busy }),
    ...(workers ? { workers } : {}),
  };
}

function backendsOf(db: string | undefined): Backend[] {
  const all: Backend[] = serverUrl() ? ['postgres', 'pglite'] : ['pglite'];
  if (!db || db === 'both') return all;
  if (db !== 'pglite' && db !== 'postgres') throw new Error(`--db must be pglite, postgres or both, got ${db}`);
  if (db === 'postgres' && !serverUrl()) throw new Error('--db postgres needs DATABASE_URL');
  return [db];
}

async function postgresVersion(): Promise<string | null> {
  const url = serverUrl();
  if (!url) return null;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]?.v ?? null;
  } finally {
    await c.end();
  }
}

async function main(): Promise<number> {
  const names = values.scenario ?? SCENARIOS.filter((s) => !s.optIn).map((s) => s.name);
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length)
    throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  if (values.seed && !['small', 'medium', 'large'].includes(values.seed) && !/^\d+$/.test(values.seed)) {
    throw new Error('--seed must be small, medium, large or a number of accounts');
  }
  const backends = backendsOf(values.db);
  const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
  const customTables = values['custom-table'] ?? [];
  const bench = new Workbench(log, customTables);
  const started = new Date().toISOString().replaceAll(':', '-').replace(/\..*/, '');
  const outDir = values.out ?? join(REPO_ROOT, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  if (values.profile) {
    // Children inherit it (lib/proc.ts); profiles land next to the results.
    process.env.BENCH_PROFILE_DIR = join(outDir, `${started}-profiles`);
    log(`CPU profiles: ${process.env.BENCH_PROFILE_DIR}`);
  }
  const runtime = values.runtime ?? 'built';
  if (runtime !== 'built' && runtime !== 'tsx') throw new Error(`--runtime must be built or tsx, got ${runtime}`);
  // Children inherit it (lib/proc.ts); without it they run through tsx.
  if (runtime === 'built') process.env.BENCH_BUILD_DIR = prepareBuild(REPO_ROOT, log);
  const header = {
    runtime,
    machine: machine(await postgresVersion()),
    commit: gitCommit(),
    customTables,
    startedAt: new Date().toISOString(),
  };
  const results: Record<string, unknown> = {};
  let failed = 0;
  try {
    for (const scenario of SCENARIOS.filter((s) => names.includes(s.name))) {
      log(`scenario ${scenario.name}: ${scenario.description}`);
      const t0 = performance.now();
      let result: Record<string, unknown>;
      try {
        result = await scenario.run({
          bench,
          seed: values.seed,
          backends,
          log,
          durationSeconds: duration(),
          ...fleetOptions(),
        });
      } catch (err) {
        failed++;
        result = { error: err instanceof Error ? err.message : String(err) };
        log(`scenario ${scenario.name} failed: ${String(result.error)}`);
      }
      const doc = {
        scenario: scenario.name,
        ...header,
        loadAtEnd: load(),
        scenarioMs: Math.round(performance.now() - t0),
        result,
      };
      results[scenario.name] = doc.result;
      writeFileSync(join(outDir, `${started}-${scenario.name}.json`), `${JSON.stringify(doc, null, 2)}\n`);
    }
  } finally {
    await bench.close();
    if (process.env.BENCH_BUILD_DIR) removeBuild(process.env.BENCH_BUILD_DIR);
  }
  process.stdout.write(`${JSON.stringify({ ...header, results }, null, 2)}\n`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
