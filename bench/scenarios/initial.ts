/**
 * 1. Initial sync: records/s, wall time and peak RSS of the sync process, against two baselines
 * with the same data (fetch-only, load-only). Efficiency = max(fetch, load) / end-to-end, beside the
 * CPU-shared bound and the CPU per record of the sync and of PostgreSQL (lib/efficiency.ts).
 */
import { fetchOnly, loadOnly, recordsOf, assertSucceeded } from '../lib/dynasync.js';
import { efficiencyFigures } from '../lib/efficiency.js';
import { load } from '../lib/machine.js';
import { mb, perSec, type Scenario, type Target } from './types.js';

const TARGET_RATE = { postgres: 50_000, pglite: 20_000 } as const;

export const initial: Scenario = {
  name: 'initial',
  description: 'initial full sync, with fetch-only and load-only baselines',
  async run(ctx) {
    const seed = ctx.seed ?? 'large';
    const out: Record<string, unknown> = {};
    for (const backend of ctx.backends) {
      const loadBefore = load();
      const s = await ctx.bench.synced(seed, backend);
      const cycle = s.initial.cycles[0]!;
      assertSucceeded(cycle);
      const records = recordsOf(cycle);
      ctx.log(`baselines: fetch-only and load-only (${records} records) on ${backend}`);
      const fetch = await fetchOnly(s.db, true);
      const rows = Object.fromEntries(Object.entries(fetch.tables).map(([k, v]) => [k, v.rows]));
      const loadRun = await loadOnly(s.db, rows);
      const figures = efficiencyFigures({
        records,
        cycleMs: cycle.cycleMs,
        fetchMs: fetch.totalMs,
        loadMs: loadRun.totalMs,
        syncCpuMs: cycle.cpuMs,
        postgresCpuMs: s.initial.postgresCpuMs,
      });
      const { efficiency } = figures;
      const rate = perSec(records, cycle.cycleMs);
      const targets: Target[] = [
        {
          what: 'records/s',
          target: `≥ ${TARGET_RATE[backend]}`,
          measured: String(rate),
          met: rate >= TARGET_RATE[backend],
        },
        { what: 'efficiency', target: '≥ 0.7', measured: String(efficiency), met: efficiency >= 0.7 },
      ];
      out[backend] = {
        seed,
        records,
        activities: cycle.tables.reduce((a, t) => a + t.activities, 0),
        cycleMs: cycle.cycleMs,
        recordsPerSec: rate,
        processWallMs: Math.round(s.initial.wallMs),
        waitedForPagesMs: cycle.waitedForPagesMs,
        syncCpuMs: cycle.cpuMs,
        emulatorCpuMs: s.initialEmulatorCpuMs,
        postgresCpuMs: s.initial.postgresCpuMs,
        sqlMs: s.initial.sql,
        peakRssMb: mb(s.initial.maxRssKb),
        requests: s.initial.client.requests,
        throttledMs: s.initial.client.throttledMs,
        tables: cycle.tables,
        fetchOnly: { ms: fetch.totalMs, rows: fetch.rows, rowsPerSec: fetch.rowsPerSec, peakRssMb: mb(fetch.maxRssKb) },
        loadOnly: {
          ms: loadRun.totalMs,
          rows: loadRun.rows,
          rowsPerSec: loadRun.rowsPerSec,
          peakRssMb: mb(loadRun.maxRssKb),
        },
        ...figures,
        targets,
        load: { before: loadBefore, after: load() },
      };
    }
    return out;
  },
};
