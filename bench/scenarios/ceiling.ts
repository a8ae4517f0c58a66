/**
 * Ceiling (issue 12 §5): the initial sync with the emulator's cost model on, read with one cursor
 * (tables one after another, one cursor each: DYNASYNC_PARALLEL_TABLES=false, DYNASYNC_READ_RANGES=1)
 * and with parallel tables (the default) and 8 key ranges, each into a fresh database from the same
 * emulator. The ceiling is what the execution-time budget allows when spent in full: the reads'
 * modelled server time / (1,200 s per 300 s) = the shortest wall time the budget permits at its
 * sustained rate. Reported: wall times, server time, the ratio ceiling / wall time, and the 429s.
 * Target: ≥ 0.85 of the ceiling and no 429.
 *
 * `CEILING_WINDOW_SECONDS` (optional) scales the window of both the emulator and the client (same
 * rate: 4 s of server time per second, same concurrency), so a read shorter than Dataverse's
 * 5-minute window is still bound by the sustained rate rather than by one window's burst.
 */
import type { Backend, BenchDb } from '../lib/database.js';
import { assertSucceeded, recordsOf, sync, type SyncReport } from '../lib/dynasync.js';
import type { EmulatorProcess } from '../lib/emulator.js';
import { load } from '../lib/machine.js';
import { admin } from '../lib/webapi.js';
import type { Scenario, Target } from './types.js';

interface Limits {
  requests: number;
  executionMs: number;
  concurrent: number;
  windowMs: number;
}

/** Modelled server time charged since the last reset (keyed by user id; only the sync user reads here). */
async function serverMs(emu: EmulatorProcess): Promise<number> {
  const r = await admin<{ executionMs: Record<string, number> }>(emu.url, 'GET', '/requests');
  return Math.round(Object.values(r.executionMs).reduce((a, b) => a + b, 0));
}

async function variant(
  emu: EmulatorProcess,
  db: BenchDb,
  env: Record<string, string>,
  limits: Limits,
): Promise<Record<string, unknown> & { wallMs: number; serverMs: number; report: SyncReport }> {
  await emu.resetRequestCounts();
  const report = await sync({ ...db, env: { ...db.env, ...env } });
  const cycle = report.cycles[0]!;
  assertSucceeded(cycle);
  const server = await serverMs(emu);
  const rate = limits.executionMs / limits.windowMs; // server ms per wall ms
  const ceilingMs = Math.round(server / rate);
  return {
    wallMs: cycle.cycleMs,
    serverMs: server,
    report,
    records: recordsOf(cycle),
    requests: report.client.requests,
    throttledResponses: report.client.throttledResponses,
    governorWaitMs: report.client.throttledMs,
    ceilingMs,
    ratioToCeiling: Number((ceilingMs / cycle.cycleMs).toFixed(3)),
    // A read whose server time fits one window's budget may go faster than the sustained rate.
    burstBoundMs: Math.round(Math.max(0, server - limits.executionMs) / rate),
    tables: cycle.tables.map((t) => ({
      entity: t.entity,
      pages: t.pages,
      inserted: t.inserted,
      activities: t.activities,
    })),
  };
}

export const ceiling: Scenario = {
  name: 'ceiling',
  description: 'initial sync under the cost model: one cursor vs parallel tables and key ranges, against the ceiling',
  async run(ctx) {
    const seed = ctx.seed ?? 'large';
    const out: Record<string, unknown> = {};
    const windowS = Number(process.env.CEILING_WINDOW_SECONDS ?? 0);
    for (const backend of ctx.backends as Backend[]) {
      const loadBefore = load();
      const emu = await ctx.bench.emulator(seed, { owner: `ceiling-${backend}` });
      await admin(emu.url, 'PUT', '/cost-model', true);
      let limits = await admin<Limits>(emu.url, 'GET', '/limits');
      const env: Record<string, string> = {};
      if (windowS > 0) {
        const scale = (windowS * 1000) / limits.windowMs;
        limits = {
          ...limits,
          windowMs: windowS * 1000,
          executionMs: Math.round(limits.executionMs * scale),
          requests: Math.max(1, Math.round(limits.requests * scale)),
        };
        await admin(emu.url, 'PUT', '/limits', limits);
        env.DYNASYNC_DATAVERSE_LIMITS =
          `requests=${limits.requests},executionSeconds=${limits.executionMs / 1000},` +
          `concurrent=${limits.concurrent},windowSeconds=${windowS}`;
      }
      const one = await ctx.bench.database(emu, backend);
      ctx.log(`ceiling: one cursor, seed ${seed} on ${backend}`);
      const single = await variant(
        emu,
        one,
        { ...env, DYNASYNC_PARALLEL_TABLES: 'false', DYNASYNC_READ_RANGES: '1' },
        limits,
      );
      const par = await ctx.bench.database(emu, backend);
      ctx.log(`ceiling: parallel tables and key ranges, seed ${seed} on ${backend}`);
      // 8 ranges (the product leaves them off by default) from 10,000 rows, so a medium seed's
      // contacts are ranged too (the product's threshold is 50,000).
      const parallel = await variant(
        emu,
        par,
        { ...env, DYNASYNC_READ_RANGES: '8', DYNASYNC_RANGE_MIN_ROWS: '10000' },
        limits,
      );
      await admin(emu.url, 'PUT', '/cost-model', false);
      const ratio = parallel.ratioToCeiling as number;
      const throttled = (single.throttledResponses as number) + (parallel.throttledResponses as number);
      const targets: Target[] = [
        { what: 'ratio to the ceiling (parallel)', target: '≥ 0.85', measured: String(ratio), met: ratio >= 0.85 },
        { what: '429 answers', target: '0', measured: String(throttled), met: throttled === 0 },
      ];
      const strip = ({ report: _r, ...rest }: typeof single) => rest;
      out[backend] = {
        seed,
        limits,
        oneCursor: strip(single),
        parallel: strip(parallel),
        speedup: Number((single.wallMs / parallel.wallMs).toFixed(2)),
        // The one-cursor read's server time is the least work a full read needs; the parallel read
        // adds the id-only tracked read that secures the delta link and gives the range bounds.
        ceilingOfOneCursorWorkMs: single.ceilingMs,
        targets,
        load: { before: loadBefore, after: load() },
      };
    }
    return out;
  },
};
