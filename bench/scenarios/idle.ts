/**
 * 3. Idle cycle on a synced database: nothing changed in Dynamics. One process runs several cycles
 * back to back, as the forever runner does; the first pays the process's warm-up, so the target is
 * judged on the warm ones. Requests per table come from the emulator's own counts.
 */
import { sync } from '../lib/dynasync.js';
import { load } from '../lib/machine.js';
import { median, type Scenario, type Target } from './types.js';

const CYCLES = 6;
const SETS = ['systemusers', 'accounts', 'contacts'];

export const idle: Scenario = {
  name: 'idle',
  description: 'a cycle when nothing changed: time and requests per table',
  async run(ctx) {
    const seed = ctx.seed ?? 'large';
    const out: Record<string, unknown> = {};
    for (const backend of ctx.backends) {
      const s = await ctx.bench.synced(seed, backend);
      const loadBefore = load();
      await s.emu.resetRequestCounts();
      const r = await sync(s.db, { cycles: CYCLES });
      const counts = await s.emu.requestCounts();
      const perTable = Object.fromEntries(SETS.map((set) => [set, (counts[set]?.GET ?? 0) / CYCLES]));
      const otherRequests = Object.entries(counts)
        .filter(([k]) => !SETS.includes(k))
        .reduce((a, [, byMethod]) => a + Object.values(byMethod).reduce((x, y) => x + y, 0), 0);
      const cycleMs = r.cycles.map((c) => c.cycleMs);
      const warm = median(cycleMs.slice(1));
      const changed = r.cycles.reduce(
        (a, c) => a + c.tables.reduce((x, t) => x + t.inserted + t.updated + t.deleted, 0),
        0,
      );
      const targets: Target[] = [
        { what: 'idle cycle (warm, median)', target: '≤ 100 ms', measured: `${warm} ms`, met: warm <= 100 },
        {
          what: 'requests per table per cycle',
          target: '1',
          measured: JSON.stringify(perTable),
          met: Object.values(perTable).every((n) => n === 1),
        },
      ];
      out[backend] = {
        seed,
        cycles: CYCLES,
        firstCycleMs: cycleMs[0],
        warmMedianMs: warm,
        cycleMs,
        requestsPerTablePerCycle: perTable,
        otherRequests,
        recordsChanged: changed,
        peakRssMb: Math.round(r.maxRssKb / 1024),
        targets,
        load: { before: loadBefore, after: load() },
      };
    }
    return out;
  },
};
