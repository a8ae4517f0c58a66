/**
 * Quick sync (issue 11): two newly selected contact columns filled by a quick sync (a read of the
 * key, versionnumber and the two columns, merged into the stored rows) against the full re-read of
 * the contacts it replaces (`fields --full-read`), in the same run, on the same database: wall
 * time, Dataverse requests and peak RSS of each. Its own emulator and database (the selection
 * changes), synced first (not measured). Default seed: small (the large one is for a quiet machine).
 */
import { runCli } from '../lib/proc.js';
import { runEntry } from '../lib/proc.js';
import { assertSucceeded, sync } from '../lib/dynasync.js';
import { load } from '../lib/machine.js';
import { mb, type Scenario } from './types.js';

interface QuickRun {
  cycleMs: number;
  quickMs: number;
  totalMs: number;
  status: string;
  tables: { entity: string; fullRead: boolean; pages: number; updated: number }[];
  quickSyncs: { status: string; pages: number; rowsDone: number; rowsFilled: number }[];
  client: { requests: number };
  maxRssKb: number;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

export const quickSync: Scenario = {
  name: 'quick-sync',
  description: 'quick sync of 2 new contact fields vs the full re-read it replaces',
  async run(ctx) {
    const seed = ctx.seed ?? 'small';
    const out: Record<string, unknown> = {};
    for (const backend of ctx.backends) {
      const emu = await ctx.bench.emulator(seed, { owner: `quick-sync-${backend}` });
      const db = await ctx.bench.database(emu, backend);
      ctx.log(`quick-sync: initial sync (seed ${seed}, ${backend})`);
      assertSucceeded((await sync(db)).cycles[0]!);
      const loadBefore = load();

      ctx.log('quick-sync: 2 new contact fields by quick sync');
      await runCli(['fields', '--entity', 'contact', '--add', 'department,gendercode'], { env: db.env });
      const q = await runEntry<QuickRun>('bench/entries/quick-sync.ts', [], { env: db.env });
      const contactQ = q.tables.find((t) => t.entity === 'contact');
      if (q.quickSyncs[0]?.status !== 'done' || contactQ?.fullRead) throw new Error('the quick sync did not run');

      ctx.log('quick-sync: 2 other new contact fields by a full re-read');
      await runCli(['fields', '--entity', 'contact', '--add', 'emailaddress2,birthdate', '--full-read'], {
        env: db.env,
      });
      const full = await sync(db);
      const cycle = full.cycles[0]!;
      assertSucceeded(cycle);
      if (!cycle.tables.find((t) => t.entity === 'contact')?.fullRead) throw new Error('no full re-read');

      out[backend] = {
        seed,
        quick: {
          wallMs: Math.round(q.wallMs),
          cycleMs: q.cycleMs,
          quickSyncMs: q.quickMs,
          totalMs: q.totalMs,
          rowsRead: q.quickSyncs[0]!.rowsDone,
          rowsFilled: q.quickSyncs[0]!.rowsFilled,
          pages: q.quickSyncs[0]!.pages,
          requests: q.client.requests,
          peakRssMb: mb(q.maxRssKb),
        },
        fullReRead: {
          wallMs: Math.round(full.wallMs),
          cycleMs: cycle.cycleMs,
          contactPages: cycle.tables.find((t) => t.entity === 'contact')!.pages,
          requests: full.client.requests,
          peakRssMb: mb(full.maxRssKb),
        },
        ratios: {
          timeQuickOverFull: round2(q.totalMs / cycle.cycleMs),
          requestsQuickOverFull: round2(q.client.requests / full.client.requests),
          peakRssQuickOverFull: round2(q.maxRssKb / full.maxRssKb),
        },
        load: { before: loadBefore, after: load() },
      };
    }
    return out;
  },
};
