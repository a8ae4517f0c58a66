/** The initial sync's efficiency figures (bench/lib/efficiency.ts), from the times they are made of. */
import { describe, expect, it } from 'vitest';
import { efficiencyFigures } from '../../bench/lib/efficiency.js';

describe('efficiencyFigures', () => {
  it('sets max(fetch, load) / end-to-end beside the bound of two halves taking turns on one CPU', () => {
    // 100,000 records: fetch alone 4 s, load alone 6 s, end to end 8 s.
    const f = efficiencyFigures({
      records: 100_000,
      cycleMs: 8_000,
      fetchMs: 4_000,
      loadMs: 6_000,
      syncCpuMs: 9_000,
      postgresCpuMs: 3_000,
    });
    expect(f.efficiency).toBe(0.75);
    // 1 / (1/25,000 + 1/16,667) records/s = 100,000 records in 10 s.
    expect(f.cpuSharedBound).toEqual({ ms: 10_000, recordsPerSec: 10_000 });
    // 12,500 records/s end to end against that bound of 10,000.
    expect(f.vsCpuSharedBound).toBe(1.25);
    expect(f.cpuUsPerRecord).toEqual({ sync: 90, postgres: 30 });
  });

  it('has no PostgreSQL figure on PGlite and no division by zero on an empty run', () => {
    const f = efficiencyFigures({
      records: 0,
      cycleMs: 0,
      fetchMs: 0,
      loadMs: 0,
      syncCpuMs: 5,
      postgresCpuMs: undefined,
    });
    expect(f).toEqual({
      efficiency: 0,
      cpuSharedBound: { ms: 0, recordsPerSec: 0 },
      vsCpuSharedBound: 0,
      cpuUsPerRecord: { sync: 0, postgres: null },
    });
  });
});
