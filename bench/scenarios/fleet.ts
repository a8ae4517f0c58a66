/**
 * Issue 13 §4: `fleet`. N small idle organizations (`--orgs`, default 1,000; seed 1 each) and
 * `--busy` busy ones (default 10; seed 5, a rep editing each once a second) in one PostgreSQL
 * database, all on one emulator fleet process, synced by 1, 2 and 4 `dynasync worker` processes
 * (`--workers 1,2,4`) in turn, `--duration` s each (default 120). After a warm-up in which every
 * organization had its first (initial) cycle, each phase measures, from pg-boss's job table: jobs
 * per second, queue latency (a job's start against its due time, i.e. the lateness of the
 * organization's cycle against its interval: p50/p95/max, idle and busy apart), job duration;
 * database time per job (CPU of the PostgreSQL backends serving the database over the phase,
 * divided by its jobs; connection start-up included), worker CPU per job, and the connections
 * (pg_stat_activity of the database, sampled each second: max and p50).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { BOSS_SCHEMA, CYCLE_QUEUE } from '../../src/store/fleet/index.js';
import { createBenchDb } from '../lib/database.js';
import { createFleetOrgs, type FleetOrgSpec } from '../lib/fleet-setup.js';
import { BenchChild, cpuMsOf, PostgresCpuSampler } from '../lib/proc.js';
import { API } from '../lib/webapi.js';
import type { Scenario, ScenarioContext } from './types.js';

const IDLE_INTERVAL_S = 60;
const BUSY_INTERVAL_S = 5;

const pct = (xs: readonly number[], p: number): number => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))]!);
};
const late = (rows: readonly JobRow[]) => dist(rows.filter((r) => r.fresh).map((r) => Math.max(0, r.late_ms)));
const dist = (xs: readonly number[]) => ({ n: xs.length, p50: pct(xs, 50), p95: pct(xs, 95), max: pct(xs, 100) });

interface JobRow {
  org: string;
  /** Due after the phase's measurement began (not part of the backlog the pause between phases left). */
  fresh: boolean;
  late_ms: number;
  run_ms: number;
}

async function orgToken(emulatorUrl: string, org: string): Promise<string> {
  const res = await fetch(`${emulatorUrl}/${org}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: 'dynasync-local',
      grant_type: 'password',
      username: 'rep@contoso.test',
      password: 'Passw0rd!',
      scope: `${emulatorUrl}/${org}/.default`,
    }),
  });
  if (!res.ok) throw new Error(`token for ${org}: HTTP ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** A rep edits a contact of each busy organization once a second until stopped. */
async function repLoad(emulatorUrl: string, busy: readonly string[], stop: AbortSignal): Promise<number> {
  const targets = await Promise.all(
    busy.map(async (org) => {
      const bearer = await orgToken(emulatorUrl, org);
      const base = `${emulatorUrl}/${org}${API}`;
      const res = await fetch(`${base}contacts?$select=contactid&$top=20`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
      const ids = ((await res.json()) as { value: { contactid: string }[] }).value.map((r) => r.contactid);
      return { base, bearer, ids };
    }),
  );
  let edits = 0;
  while (!stop.aborted) {
    const t0 = performance.now();
    await Promise.all(
      targets.map(async (t) => {
        const id = t.ids[edits % t.ids.length]!;
        const r = await fetch(`${t.base}contacts(${id})`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${t.bearer}`, 'content-type': 'application/json', 'if-match': '*' },
          body: JSON.stringify({ jobtitle: `Title ${edits}` }),
        });
        await r.arrayBuffer();
      }),
    );
    edits++;
    await sleep(Math.max(0, 1000 - (performance.now() - t0)));
  }
  return edits * targets.length;
}

function startWorkers(n: number, env: Record<string, string | undefined>): BenchChild[] {
  const args = ['worker', '--concurrency', '2', '--poll', '1', '--schedule-every', '5', '--maintenance', '10'];
  return Array.from({ length: n }, () => new BenchChild('src/main.ts', args, { env }));
}

async function phase(
  ctx: ScenarioContext,
  c: pg.Client,
  dbName: string,
  env: Record<string, string | undefined>,
  workers: number,
  seconds: number,
) {
  const children = startWorkers(workers, env);
  await Promise.all(children.map((w) => w.waitForMatch(/worker .* started/, 120_000)));
  await sleep(Math.min(10, seconds / 4) * 1000); // the backlog from the pause between phases
  const start = new Date();
  const cpu = new PostgresCpuSampler(dbName);
  const workerCpu0 = children.map((w) => cpuMsOf(w.pid));
  const conns: number[] = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const r = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [
      dbName,
    ]);
    conns.push(r.rows[0]!.n);
    await sleep(1000);
  }
  const dbCpuMs = cpu.stop();
  const workerCpuMs = children.reduce((s, w, i) => s + cpuMsOf(w.pid) - workerCpu0[i]!, 0);
  const stopAt = new Date();
  await Promise.all(children.map((w) => w.stop(60_000)));
  const jobs = await c.query<JobRow>(
    `SELECT singleton_key AS org, start_after >= $2 AS fresh,
            (extract(epoch FROM started_on - start_after) * 1000)::int AS late_ms,
            (extract(epoch FROM completed_on - started_on) * 1000)::int AS run_ms
       FROM ${BOSS_SCHEMA}.job
      WHERE name = $1 AND state = 'completed' AND started_on >= $2 AND started_on < $3`,
    [CYCLE_QUEUE, start, stopAt],
  );
  const rows = jobs.rows;
  const busy = rows.filter((r) => r.org.startsWith('busy-'));
  const idle = rows.filter((r) => !r.org.startsWith('busy-'));
  const windowS = (stopAt.getTime() - start.getTime()) / 1000;
  const result = {
    workers,
    windowSeconds: Math.round(windowS),
    jobs: rows.length,
    jobsPerSecond: Math.round((rows.length / windowS) * 100) / 100,
    organizationsWithAJob: new Set(rows.map((r) => r.org)).size,
    // Lateness of cycles due during the window (the backlog left by the pause between phases apart).
    latenessMs: { idle: late(idle), busy: late(busy) },
    backlogJobs: rows.filter((r) => !r.fresh).length,
    jobMs: { idle: dist(idle.map((r) => r.run_ms)), busy: dist(busy.map((r) => r.run_ms)) },
    databaseCpuMsPerJob: rows.length ? Math.round(dbCpuMs / rows.length) : null,
    workerCpuMsPerJob: rows.length ? Math.round(workerCpuMs / rows.length) : null,
    connections: { max: Math.max(...conns), p50: pct(conns, 50) },
  };
  ctx.log(`fleet: ${workers} worker(s): ${JSON.stringify(result)}`);
  return result;
}

export const fleet: Scenario = {
  name: 'fleet',
  description: 'many idle organizations and 10 busy ones on 1, 2 and 4 workers (PostgreSQL)',
  optIn: true,
  async run(ctx) {
    if (!ctx.backends.includes('postgres')) return { skipped: 'the fleet scenario needs PostgreSQL (DATABASE_URL)' };
    const nIdle = ctx.orgs ?? 1000;
    const nBusy = ctx.busy ?? 10;
    const workerCounts = ctx.workers ?? [1, 2, 4];
    const seconds = ctx.durationSeconds ?? 120;
    const db = await createBenchDb('postgres');
    const emu = new BenchChild('bench/entries/emulator-fleet.ts', ['--seed', '1'], {
      nodeArgs: ['--max-old-space-size=4096'],
    });
    const c = new pg.Client({ connectionString: db.env.DATABASE_URL });
    const stopReps = new AbortController();
    try {
      const { url } = await emu.waitForLine<{ url: string }>('BENCH_READY ', 60_000);
      await c.connect();
      const busy = Array.from({ length: nBusy }, (_, i) => `busy-${i}`);
      for (const name of busy)
        await fetch(`${url}/_fleet/orgs`, {
          method: 'POST',
          body: JSON.stringify({ name, seed: 5, enableAdmin: true }),
        });
      const specs: FleetOrgSpec[] = [
        ...busy.map((name) => ({ name, intervalSeconds: BUSY_INTERVAL_S })),
        ...Array.from({ length: nIdle }, (_, i) => ({ name: `idle-${i}`, intervalSeconds: IDLE_INTERVAL_S })),
      ];
      const t0 = performance.now();
      await createFleetOrgs(db.env.DATABASE_URL!, db.env.DYNASYNC_SECRET_KEY!, url, specs, ctx.log);
      const setupSeconds = Math.round((performance.now() - t0) / 1000);
      ctx.log(`fleet: ${specs.length} organizations in ${setupSeconds} s; warm-up (every first cycle) on 4 workers`);

      // Warm-up: every organization's initial cycle, so the phases measure steady cycles.
      const warm = startWorkers(4, db.env);
      await Promise.all(warm.map((w) => w.waitForMatch(/worker .* started/, 120_000)));
      const warmDeadline = Date.now() + 30 * 60_000;
      for (;;) {
        const r = await c.query<{ n: number }>(
          `SELECT count(DISTINCT singleton_key)::int AS n FROM ${BOSS_SCHEMA}.job WHERE name = $1 AND state = 'completed'`,
          [CYCLE_QUEUE],
        );
        if (r.rows[0]!.n >= specs.length || Date.now() > warmDeadline) break;
        await sleep(2000);
      }
      await Promise.all(warm.map((w) => w.stop(60_000)));
      const warmSeconds = Math.round((performance.now() - t0) / 1000) - setupSeconds;

      const reps = repLoad(url, busy, stopReps.signal);
      const phases = [];
      for (const n of workerCounts) phases.push(await phase(ctx, c, db.name!, db.env, n, seconds));
      stopReps.abort();
      const repEdits = await reps;
      const emulator = await fetch(`${url}/_fleet/stats`).then((r) => r.json());
      return {
        organizations: {
          idle: nIdle,
          busy: nBusy,
          idleIntervalSeconds: IDLE_INTERVAL_S,
          busyIntervalSeconds: BUSY_INTERVAL_S,
        },
        workerSettings: { concurrency: 2, pollSeconds: 1, scheduleEverySeconds: 5 },
        setupSeconds,
        warmUpSeconds: warmSeconds,
        repEdits,
        phases,
        emulator,
      };
    } finally {
      stopReps.abort();
      await c.end().catch(() => undefined);
      await emu.stop();
      ctx.log('fleet: dropping the database (a catalog of many schemas takes a while)');
      await db.drop();
    }
  },
};
