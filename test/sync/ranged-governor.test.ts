/**
 * Issue 12 §4: the governor keeps a parallel full read (lanes and key ranges) inside Dataverse's
 * service protection limits by its own accounting: no 429 from the emulator with its cost model on,
 * with Dataverse's default limits, and with limits small enough that the read needs several
 * windows of execution time (the governor then holds requests back instead of drawing 429s).
 */
import { afterEach, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/logger.js';
import { configureBudget, type DataverseLimits } from '../../src/dataverse/index.js';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import { runCycle } from '../../src/sync/cycle.js';
import type { RequestStats } from '../../src/dataverse/index.js';
import { describeWorlds, type World } from './world.js';

const READS = { parallelTables: true, ranges: 8, rangeMinRows: 200 };

afterEach(() => configureBudget({}));

async function parallelRead(w: World) {
  const base = w.session.source;
  let ranges = 0; // contact ranges read (plain reads with a key filter)
  const source = Object.assign(Object.create(base) as typeof base, {
    readRows: (req: Parameters<NonNullable<typeof base.readRows>>[0]) => {
      if (req.entity === 'contact' && req.orderBy === 'contactid') ranges++;
      return base.readRows!(req);
    },
  });
  const result = await runCycle({ db: w.db, source, logger: silentLogger(), userId: w.userId, reads: READS }, 'once');
  return { result, stats: base.requestStats() as RequestStats, ranges };
}

describeWorlds('governor during a parallel full read', ({ open }) => {
  it('draws no 429 with the default limits and the cost model on', async () => {
    const w = await open({ seed: 120, costModel: true }, { pageSize: 60 });
    const { result, stats, ranges } = await parallelRead(w);
    expect(result.status).toBe('success');
    expect(ranges).toBe(READS.ranges);
    expect(stats.throttledResponses).toBe(0);
    const contact = result.tables.find((t) => t.entity === 'contact')!;
    expect(contact.inserted).toBe(w.emu.ctx.data.count('contact'));
  });

  it('draws no 429 when the read needs several windows of execution time: it waits instead', async () => {
    const limits: DataverseLimits = { requests: 6000, executionMs: 1200, concurrent: 6, windowMs: 2000 };
    configureBudget({ limits });
    const w = await open({ seed: 120, costModel: true, limits }, { pageSize: 60 });
    const charged = () => Object.values(createAdmin(w.emu.ctx).executionMsByUser()).reduce((a, b) => a + b, 0);
    const before = charged();
    const started = Date.now();
    const { result, stats, ranges } = await parallelRead(w);
    expect(result.status).toBe('success');
    expect(ranges).toBe(READS.ranges);
    expect(stats.throttledResponses).toBe(0);
    const spent = charged() - before;
    expect(spent).toBeGreaterThan(2 * limits.executionMs); // more than two windows' budget…
    expect(Date.now() - started).toBeGreaterThan(limits.windowMs); // …so it had to wait
    expect(stats.throttledMs).toBeGreaterThan(0);
  });
});
