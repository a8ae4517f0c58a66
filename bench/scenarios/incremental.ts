/**
 * 4. Incremental: a sales team edits 10,000 contacts and 1,000 accounts in Dynamics (PATCHes through
 * the emulator's Web API as the rep user), then one cycle applies them.
 */
import { activitiesOf, assertSucceeded, recordsOf, sync } from '../lib/dynasync.js';
import { withHighLimits } from '../lib/emulator.js';
import { load } from '../lib/machine.js';
import { firstIds, patchAll, token } from '../lib/webapi.js';
import { perSec, type Scenario } from './types.js';

const CONTACTS = 10_000;
const ACCOUNTS = 1_000;

export const incremental: Scenario = {
  name: 'incremental',
  description: '10,000 changed contacts and 1,000 changed accounts: time to apply',
  async run(ctx) {
    const seed = ctx.seed ?? 'large';
    const out: Record<string, unknown> = {};
    for (const backend of ctx.backends) {
      const s = await ctx.bench.synced(seed, backend);
      const url = s.emu.url;
      const rep = await token(url, 'rep@contoso.test');
      const tag = Date.now().toString(36);
      const w0 = performance.now();
      await withHighLimits(url, async () => {
        const contacts = await firstIds(url, rep, 'contacts', 'contactid', CONTACTS);
        const accounts = await firstIds(url, rep, 'accounts', 'accountid', ACCOUNTS);
        await patchAll(url, rep, 'contacts', contacts, (_id, i) => ({ jobtitle: `Bench ${tag} ${i}` }));
        await patchAll(url, rep, 'accounts', accounts, (_id, i) => ({ telephone1: `+1 555 ${tag} ${i}` }));
      });
      const writeMs = Math.round(performance.now() - w0);
      const loadBefore = load();
      const r = await sync(s.db);
      const cycle = r.cycles[0]!;
      assertSucceeded(cycle);
      const changed = cycle.tables.reduce((a, t) => a + t.updated, 0);
      out[backend] = {
        seed,
        changedInDynamics: { contacts: CONTACTS, accounts: ACCOUNTS },
        writeMs,
        cycleMs: cycle.cycleMs,
        recordsRead: recordsOf(cycle),
        updated: changed,
        recordsPerSec: perSec(recordsOf(cycle), cycle.cycleMs),
        activities: activitiesOf(cycle),
        committedAtMs: cycle.committedAtMs,
        tables: cycle.tables,
        requests: r.client.requests,
        peakRssMb: Math.round(r.maxRssKb / 1024),
        load: { before: loadBefore, after: load() },
      };
    }
    return out;
  },
};
