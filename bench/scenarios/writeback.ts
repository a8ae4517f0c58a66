/**
 * Writeback: 10,000 people changed in the lead database and 1,000 pushed (Sync Person to
 * Microsoft) are written to Dynamics by the sender
 * ($batch change sets); then the time from a single edit to Dynamics serving it, while the sender
 * loop runs as beside `dynasync run` (p50/p95). Dynamics requests and the Dataverse execution time
 * service protection charges are read from the emulator, per 1,000 records written.
 */
import { withHighLimits } from '../lib/emulator.js';
import { runEntry } from '../lib/proc.js';
import { admin, token } from '../lib/webapi.js';
import { perSec, type Scenario } from './types.js';

const PERSONS = 10_000;
const PUSHES = 1_000;

type Drained = { batches: number; confirmed: number; failed: number; conflicts: number };
interface Report {
  persons: number;
  leads: number;
  changeMs: number;
  drainMs: number;
  drained: Drained;
  pushes: number;
  pushQueueMs: number;
  pushDrainMs: number;
  pushDrained: Drained;
  latencyMs: number[];
}
type Requests = {
  counts: Record<string, Record<string, number>>;
  byUser: Record<string, Record<string, Record<string, number>>>;
  executionMs: Record<string, number>;
};

const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const sum = (o: Record<string, number>): number => Object.values(o).reduce((a, b) => a + b, 0);

export const writeback: Scenario = {
  name: 'writeback',
  description: '10,000 people changed locally and 1,000 pushed: written to Dynamics; single-edit latency p50/p95',
  async run(ctx) {
    const seed = ctx.seed ?? 'medium';
    const out: Record<string, unknown> = {};
    for (const backend of ctx.backends) {
      const s = await ctx.bench.synced(seed, backend);
      const url = s.emu.url;
      const rep = await token(url, 'rep@contoso.test');
      await admin(url, 'DELETE', '/requests');
      const r = await withHighLimits(url, () =>
        runEntry<Report>(
          'bench/entries/writeback.ts',
          [`--persons=${PERSONS}`, `--pushes=${PUSHES}`, '--latency-edits=20', `--rep-token=${rep}`],
          { env: s.db.env },
        ),
      );
      const req = await admin<Requests>(url, 'GET', '/requests');
      const sync = req.byUser['sync@contoso.test'] ?? {};
      const writes = Object.entries(sync)
        .filter(([set]) => set !== '$batch')
        .reduce((a, [, m]) => a + (m.POST ?? 0) + (m.PATCH ?? 0), 0);
      const perThousand = (n: number) =>
        Math.round((n / Math.max(1, r.drained.confirmed + r.pushDrained.confirmed)) * 1000 * 10) / 10;
      out[backend] = {
        seed,
        persons: r.persons,
        leads: r.leads,
        localChangesPerSec: perSec(r.persons, r.changeMs),
        drainMs: r.drainMs,
        writtenPerSec: perSec(r.drained.confirmed, r.drainMs),
        pushes: r.pushes,
        pushesQueuedPerSec: perSec(r.pushes, r.pushQueueMs),
        pushesCreatedPerSec: perSec(r.pushDrained.confirmed, r.pushDrainMs),
        pushDrained: r.pushDrained,
        drained: r.drained,
        batchRequests: sync.$batch?.POST ?? 0,
        innerWrites: writes,
        batchRequestsPer1000: perThousand(sync.$batch?.POST ?? 0),
        // Includes the 20 single edits and the rep's reads of them (a few % of the total).
        dataverseExecutionSecondsPer1000: Math.round(perThousand(sum(req.executionMs)) / 10) / 100,
        accountOrUserWrites: ['accounts', 'systemusers'].reduce(
          (a, set) => a + (sync[set]?.PATCH ?? 0) + (sync[set]?.POST ?? 0),
          0,
        ),
        singleEditLatencyMs: {
          p50: pct(r.latencyMs, 50),
          p95: pct(r.latencyMs, 95),
          max: Math.max(...r.latencyMs),
          n: r.latencyMs.length,
        },
      };
    }
    return out;
  },
};
