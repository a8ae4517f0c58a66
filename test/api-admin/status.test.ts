/** GET /api/status and POST /api/sync-now over a lead database filled by one real sync cycle. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns } from '../../src/store/runs.js';
import { signedInClient, type AdminClient } from './client.js';
import { openSyncedFixture, type SyncedFixture } from './fixture.js';

let f: SyncedFixture;
let c: AdminClient;

beforeAll(async () => {
  f = await openSyncedFixture();
  c = await signedInClient(f.deps());
});
afterAll(async () => {
  await c?.app.close();
  await f?.close();
});

async function count(sql: string): Promise<number> {
  return (await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`)).rows[0]!.n;
}

describe('GET /api/status', () => {
  it('shows per table what is stored, the last cycle, pending changes, and records per cycle', async () => {
    const res = await c.send({ url: '/api/status' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const s = res.json();
    expect(s.tables.map((t: { table: string }) => t.table)).toEqual([
      'systemuser',
      'account',
      'contact',
      'lead',
      'opportunity',
      'connection',
    ]);
    const stored = {
      systemuser: await count('sales_persons'),
      account: await count('companies'),
      contact: await count(`persons WHERE dynamics_type = 'Contact'`),
      lead: await count(`persons WHERE dynamics_type = 'Lead'`),
      opportunity: await count('opportunities'),
      connection: await count('opportunity_connections'),
    };
    for (const t of s.tables) {
      expect(t.stored, t.table).toBe(stored[t.table as keyof typeof stored]);
      expect(t.phase).toBe('delta');
      expect(t.lastCycle).toMatchObject({ runId: 1, status: 'success' });
      expect(t.lastCycleCounts.inserted).toBe(t.stored);
      expect(t.recordsLastHour).toBe(t.stored);
      // The emulator was asked with the delta link: nothing changed since the cycle.
      expect(t.pendingChanges).toBe(0);
    }
    const total = Object.values(stored).reduce((a, b) => a + b, 0);
    expect(s.recordsLastHour).toBe(total);
    expect(s.cycles).toHaveLength(1);
    expect(s.cycles[0]).toMatchObject({ runId: 1, trigger: 'once', status: 'success', records: total });
    expect(s.cycles[0].perTable.contact.inserted).toBe(stored.contact);
    expect(s.runner).toBe('absent');
    expect(s.nextCycleAt).toBeNull();
  });

  it('counts pending changes made in Dynamics since the last cycle', async () => {
    const [accountId] = f.emulator.ctx.data.ids('account', 1);
    f.repEdit('account', accountId!, { name: 'Renamed by a rep' });
    // A new server: the first one cached the previous count for a few seconds.
    const fresh = await signedInClient(f.deps());
    const s = (await fresh.send({ url: '/api/status' })).json();
    expect(s.tables.find((t: { table: string }) => t.table === 'account').pendingChanges).toBe(1);
    await fresh.app.close();
  });
});

describe('POST /api/sync-now', () => {
  it('answers 409 when no runner runs in the process', async () => {
    const res = await c.send({ method: 'POST', url: '/api/sync-now' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('no_runner');
  });

  it("cuts the runner's wait short: a manual cycle runs, and status shows the runner's next cycle", async () => {
    const runner = await f.startRunner(3600_000);
    const runs = async () => listRuns(f.db, { limit: 10 });
    await expect.poll(async () => runner.nextCycleAt, { timeout: 30_000 }).not.toBeNull();
    const withRunner = await signedInClient(f.deps({ runner }));
    const s = (await withRunner.send({ url: '/api/status' })).json();
    expect(s.runner).toBe('running');
    expect(s.nextCycleAt).toBe(runner.nextCycleAt!.toISOString());

    const res = await withRunner.send({ method: 'POST', url: '/api/sync-now' });
    expect(res.statusCode).toBe(202);
    await expect
      .poll(async () => (await runs()).some((r) => r.trigger === 'manual' && r.status !== 'running'), {
        timeout: 30_000,
      })
      .toBe(true);
    await withRunner.app.close();
  });
});
