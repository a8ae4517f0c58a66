/** 2. Memory: peak RSS of the sync process on two seeds; it must not grow with the data. */
import { assertSucceeded } from '../lib/dynasync.js';
import { load } from '../lib/machine.js';
import { mb, type Scenario, type Target } from './types.js';

const LIMIT_MB = 300;

export const memory: Scenario = {
  name: 'memory',
  description: 'peak RSS of the initial sync on a smaller and a larger seed',
  async run(ctx) {
    const big = ctx.seed ?? 'large';
    const seeds = big === 'large' ? ['medium', 'large'] : ['small', big];
    const out: Record<string, unknown> = {};
    for (const backend of ctx.backends) {
      const peaks: Record<string, number> = {};
      const loadBefore = load();
      for (const seed of seeds) {
        const s = await ctx.bench.synced(seed, backend);
        assertSucceeded(s.initial.cycles[0]!);
        peaks[seed] = mb(s.initial.maxRssKb);
      }
      const [a, b] = seeds.map((s) => peaks[s]!);
      const growth = Math.round((b! / a! - 1) * 100);
      // The 300 MB target is for PostgreSQL; PGlite's RSS includes the embedded database itself.
      const targets: Target[] = [
        ...seeds
          .filter(() => backend === 'postgres')
          .map((seed) => ({
            what: `peak RSS, ${seed}`,
            target: `≤ ${LIMIT_MB} MB`,
            measured: `${peaks[seed]} MB`,
            met: peaks[seed]! <= LIMIT_MB,
          })),
        {
          what: `growth ${seeds[0]} → ${seeds[1]}`,
          target: 'flat (≤ 10 %)',
          measured: `${growth} %`,
          met: growth <= 10,
        },
      ];
      out[backend] = { peakRssMb: peaks, growthPercent: growth, targets, load: { before: loadBefore, after: load() } };
    }
    return out;
  },
};
