/**
 * 6. API under sync: autocannon sends `GET /rest/v1/leads.json` by email (a different person each
 * time), first while idle, then while a cycle re-reads every contact (delta tokens expired in the
 * emulator, so the cycle is a full read that writes all the time). Two deployments:
 * - combined: `dynasync run` serves the API next to its runner in one process (the only choice with
 *   PGlite, where one process owns the database);
 * - split (PostgreSQL only): `dynasync serve` and `dynasync run --no-serve` in two processes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { BenchDb } from '../lib/database.js';
import type { EmulatorProcess } from '../lib/emulator.js';
import { load } from '../lib/machine.js';
import { BenchChild, cpuMsOf, runCli, runEntry } from '../lib/proc.js';
import { admin, API, getPage, readHeaders, token } from '../lib/webapi.js';
import type { Scenario, Target } from './types.js';

interface Loaded {
  requestsPerSec: number;
  total: number;
  latencyMs: { avg: number; p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  seconds: number;
}

const SECONDS = 15;
/** What `run` prints after each cycle. */
const CYCLE_LINE = /cycle \d+: \w+ in /;
const SERVER_LINE = /API and web UI: (http:\/\/\S+?)\/?\s/;
/** Marketo's default is 100 calls per 20 s per client: lifted, this measures the server. */
const UNLIMITED = { DYNASYNC_API_RATE_LIMIT: '1000000', DYNASYNC_API_RATE_WINDOW_SECONDS: '1' };

async function emails(url: string, n: number): Promise<string[]> {
  const bearer = await token(url, 'sync@contoso.test');
  const page = await getPage(
    `${url}${API}contacts?$select=emailaddress1&$filter=emailaddress1 ne null`,
    readHeaders(bearer, n),
  );
  return page.rows.map((r) => r.emailaddress1 as string);
}

async function apiClient(db: BenchDb): Promise<{ clientId: string; clientSecret: string }> {
  const created = await runCli(['api-client', 'create', `bench-${Date.now()}`, '--json'], { env: db.env });
  return JSON.parse(created.stdout.trim().split('\n').at(-1)!) as { clientId: string; clientSecret: string };
}

async function accessToken(
  base: string,
  client: { clientId: string; clientSecret: string },
  email: string,
): Promise<string> {
  const res = await fetch(
    `${base}/identity/oauth/token?grant_type=client_credentials&client_id=${client.clientId}&client_secret=${client.clientSecret}`,
  );
  const t = ((await res.json()) as { access_token: string }).access_token;
  const check = (await (
    await fetch(`${base}/rest/v1/leads.json?filterType=email&filterValues=${encodeURIComponent(email)}`, {
      headers: { authorization: `Bearer ${t}` },
    })
  ).json()) as { success: boolean; result?: unknown[] };
  if (!check.success || check.result?.length !== 1)
    throw new Error(`leads.json by email did not find the lead: ${JSON.stringify(check).slice(0, 300)}`);
  return t;
}

async function measure(emu: EmulatorProcess, db: BenchDb, split: boolean) {
  const client = await apiClient(db);
  const sample = await emails(emu.url, 1000);
  const env = { ...db.env, ...UNLIMITED };
  const runner = new BenchChild(
    'src/main.ts',
    ['run', '--interval', '3600', ...(split ? ['--no-serve'] : ['--port', '0'])],
    { env, echo: process.env.BENCH_ECHO === '1' },
  );
  const server = split ? new BenchChild('src/main.ts', ['serve', '--port', '0'], { env }) : runner;
  try {
    const base = (await server.waitForMatch(SERVER_LINE, 120_000))[1]!;
    await runner.waitForMatch(CYCLE_LINE, 600_000); // the first cycle: nothing to do
    const t = await accessToken(base, client, sample[0]!);
    const args = (seconds: number) => [
      `--url=${base}`,
      `--token=${t}`,
      `--emails=${JSON.stringify(sample)}`,
      `--seconds=${seconds}`,
    ];
    // CPU per request of the serving process: what the API costs whatever else the machine runs.
    const cpuPerRequest = async (seconds: number) => {
      const c0 = cpuMsOf(server.pid);
      const r = await runEntry<Loaded>('bench/entries/load-api.ts', args(seconds));
      return { ...r, serverCpuUsPerRequest: Math.round(((cpuMsOf(server.pid) - c0) * 1000) / Math.max(1, r.total)) };
    };
    const idle = await cpuPerRequest(5);
    // The next cycle re-reads every contact; SIGUSR1 is `dynasync sync-now`.
    await admin(emu.url, 'POST', '/delta-tokens/expire', { table: 'contact' });
    const before = runner.linesSoFar;
    const loadBefore = load();
    runner.proc.kill('SIGUSR1');
    const underSync = await cpuPerRequest(SECONDS);
    const cycleEnded = await runner.waitForMatch(CYCLE_LINE, 1, before).then(
      () => true,
      () => false,
    );
    const targets: Target[] = [
      {
        what: 'requests/s while a cycle runs',
        target: '≥ 2000',
        measured: String(underSync.requestsPerSec),
        met: underSync.requestsPerSec >= 2000,
      },
      {
        what: 'p99 latency while a cycle runs',
        target: '≤ 20 ms',
        measured: `${underSync.latencyMs.p99} ms`,
        met: underSync.latencyMs.p99 <= 20,
      },
    ];
    return {
      idle,
      underSync,
      cycleEndedBeforeLoadDid: cycleEnded,
      targets,
      load: { before: loadBefore, after: load() },
    };
  } finally {
    await runner.stop(120_000);
    if (split) await server.stop();
  }
}

/**
 * Waits until no process is connected to the bench database any more: a stopped runner's session
 * (holding the runner lock) can outlive its process by a moment, and the next runner would refuse
 * to start.
 */
async function untilDisconnected(db: BenchDb): Promise<void> {
  if (!db.name || !db.env.DATABASE_URL) return;
  const c = new pg.Client({ connectionString: db.env.DATABASE_URL });
  await c.connect();
  try {
    for (let i = 0; i < 300; i++) {
      const r = await c.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [db.name],
      );
      if (r.rows[0]!.n === 0) return;
      await sleep(100);
    }
  } finally {
    await c.end();
  }
}

export const api: Scenario = {
  name: 'api',
  description: 'GET /rest/v1/leads.json by email with autocannon, idle and while a cycle runs',
  async run(ctx) {
    const seed = ctx.seed ?? 'large';
    const out: Record<string, unknown> = {};
    for (const backend of ctx.backends) {
      const s = await ctx.bench.synced(seed, backend);
      out[backend] = {
        seed,
        combined: await measure(s.emu, s.db, false),
        ...(backend === 'postgres'
          ? { split: await untilDisconnected(s.db).then(() => measure(s.emu, s.db, true)) }
          : {}),
      };
    }
    return out;
  },
};
