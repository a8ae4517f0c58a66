/**
 * Issue 12 §1, the latency path of a notification: what a pushed read reads, and what it costs.
 * It reads the notified table only (no other table, no custom table), at once despite an
 * hour-long interval, for one data request and the two column-security requests (the
 * whole-catalog check of the scheduled read stands for five minutes); a column secured after that
 * check is still caught; a connection notification reads the connections.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { silentLogger } from '../../src/config/logger.js';
import { buildServer } from '../../src/api/server.js';
import { buildPlan } from '../../src/mapping/index.js';
import { getCompanyByDynamicsId } from '../../src/store/records/index.js';
import { searchSyncErrors } from '../../src/store/sync-errors.js';
import { enableCustomTable } from '../../src/sync/custom-tables.js';
import type { CycleResult } from '../../src/sync/cycle.js';
import { pushHooks } from '../../src/sync/push-trigger.js';
import { FULL_CHECK_MAX_AGE_MS, ReadabilityGuard } from '../../src/sync/readability.js';
import { SyncRunner } from '../../src/sync/runner.js';
import { loadSelection } from '../../src/sync/state.js';
import { loadWebhookKey, WEBHOOK_HEADER } from '../../src/sync/webhooks.js';
import { runCli } from './cli.js';
import { describeWorlds, emulatorIds, emulatorRows, type World } from './world.js';

const config = loadConfig({ DYNASYNC_DATA_DIR: '/nonexistent-dynasync-test' });
const SYNC_USER = 'sync@contoso.test';

const until = async (check: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** A runner with an hour-long interval behind the real receiver: only notifications make it read. */
async function pushed(w: World) {
  await runCli(w, ['webhook', 'register', '--url', 'https://sync.example.test']);
  const cycles: CycleResult[] = [];
  const runner = new SyncRunner(
    { db: w.db, source: w.session.source, logger: silentLogger(), userId: w.userId },
    { intervalMs: 3_600_000, onCycle: (r) => cycles.push(r), push: pushHooks(w.db) },
    silentLogger(),
  );
  const { app } = await buildServer({ config, logger: silentLogger(), db: w.db, secretBox: w.box, runner });
  const done = runner.start();
  await until(() => cycles.length === 1, 'the first (scheduled) cycle');
  const key = (await loadWebhookKey(w.db, w.box))!;
  return {
    cycles,
    notify: async (entity: string, id: string) => {
      const res = await app.inject({
        method: 'POST',
        url: '/hooks/dataverse',
        headers: { [WEBHOOK_HEADER]: key },
        payload: {
          MessageName: 'Update',
          PrimaryEntityName: entity,
          PrimaryEntityId: id,
          OperationCreatedOn: `/Date(${Date.now()})/`,
        },
      });
      expect(res.statusCode).toBe(202);
    },
    close: async () => {
      await runner.stop();
      await done;
      await app.close();
    },
  };
}

const syncUserRequests = (w: World): Record<string, number> =>
  Object.fromEntries(
    Object.entries(w.admin.requestCountsByUser()[SYNC_USER] ?? {}).map(([resource, byMethod]) => [
      resource,
      Object.values(byMethod).reduce((a, b) => a + b, 0),
    ]),
  );

const read = (cycles: readonly CycleResult[], entity: string, what: 'updated' | 'deleted') =>
  cycles.slice(1).find((c) => c.tables.some((t) => t.entity === entity && t[what] === 1));

afterEach(() => vi.restoreAllMocks());

describeWorlds('push: a pushed read', ({ open }) => {
  it('reads only the notified table, at once, for one data request and two column-security requests', async () => {
    const w = await open({ seed: 2 });
    w.admin.addTable({
      logicalName: 'new_visit',
      columns: [{ logicalName: 'new_contactid', type: 'Lookup', targets: ['contact'] }],
    });
    await enableCustomTable(w.db, w.session.source, w.userId, 'new_visit');
    const p = await pushed(w);
    try {
      expect(p.cycles[0]!.tables.map((t) => t.entity)).toContain('new_visit'); // the scheduled cycle reads it
      const id = emulatorIds(w, 'contact', 1)[0]!;
      await w.rep.update('contacts', id, { jobtitle: 'Pushed' });
      w.admin.resetRequestCounts();
      await p.notify('contact', id);
      await until(() => read(p.cycles, 'contact', 'updated') !== undefined, 'the pushed read');
      const cycle = read(p.cycles, 'contact', 'updated')!;
      expect(cycle.tables.map((t) => t.entity)).toEqual(['contact']);
      // The delta read, the secured columns of contacts, the user's column privileges: nothing else
      // (no attribute list, no casts, no role privileges, no other table, no custom table).
      expect(syncUserRequests(w)).toEqual({ contacts: 1, EntityDefinitions: 1, systemusers: 1 });
      const row = await w.db.query<{ title: string }>(
        "SELECT fields->>'title' AS title FROM persons WHERE dynamics_id = $1",
        [id],
      );
      expect(row.rows[0]!.title).toBe('Pushed');
    } finally {
      await p.close();
    }
  }, 120_000); // registration, a custom table and the first cycle: slow on a loaded machine

  it('still catches a column secured after the whole-catalog check, keeping its stored values', async () => {
    const w = await open({ seed: 2 });
    const p = await pushed(w);
    try {
      const id = emulatorIds(w, 'account', 1)[0]!;
      const website = (await getCompanyByDynamicsId(w.db, id))!.fields.website;
      expect(website).toEqual(expect.any(String));
      w.admin.setColumnSecured('account', 'websiteurl', true);
      w.admin.setSecuredColumnRead(SYNC_USER, 'account', 'websiteurl', false);
      await w.rep.update('accounts', id, { address1_city: 'Bergen' });
      await p.notify('account', id);
      await until(() => read(p.cycles, 'account', 'updated') !== undefined, 'the pushed read');
      expect((await getCompanyByDynamicsId(w.db, id))!.fields).toMatchObject({ billingCity: 'Bergen', website });
      const errors = await searchSyncErrors(w.db, { entity: 'account' });
      expect(errors.items.map((e) => e.code)).toEqual(['column_unreadable']);
    } finally {
      await p.close();
    }
  });

  it('reads the connections a connection notification names (with the delta of their opportunities)', async () => {
    const w = await open({ seed: 5 });
    const p = await pushed(w);
    try {
      const [link] = await emulatorRows(w, 'connections', ['connectionid'], 'ismaster eq true');
      const id = link!.connectionid as string;
      const stored = async () =>
        (
          await w.db.query<{ deleted: boolean }>(
            'SELECT dynamics_deleted AS deleted FROM opportunity_connections WHERE dynamics_id = $1',
            [id],
          )
        ).rows[0]?.deleted;
      expect(await stored()).toBe(false);
      await w.rep.remove('connections', id);
      await p.notify('connection', id);
      await until(() => read(p.cycles, 'connection', 'deleted') !== undefined, 'the pushed read');
      expect(read(p.cycles, 'connection', 'deleted')!.tables.map((t) => t.entity)).toEqual([
        'opportunity',
        'connection',
      ]);
      expect(await stored()).toBe(true);
    } finally {
      await p.close();
    }
  });

  it('checks the whole catalog again once the last full check of the table is five minutes old', async () => {
    const w = await open({ seed: 2 });
    await w.cycle(); // the initial read: a full check of every table with rows
    const { catalog, selection } = await loadSelection(w.db, 'contact');
    const plan = buildPlan('contact', catalog, selection);
    const deps = { db: w.db, source: w.session.source, logger: silentLogger(), now: () => new Date(), runId: 0 };
    const check = async () => {
      w.admin.resetRequestCounts();
      await new ReadabilityGuard({ ...deps, userId: w.userId }, plan).plan();
      return syncUserRequests(w);
    };
    expect(await check()).toEqual({ EntityDefinitions: 1, systemusers: 1 });
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now + FULL_CHECK_MAX_AGE_MS + 1);
    const full = await check();
    expect(full.EntityDefinitions).toBeGreaterThan(1); // the column list and its casts
    expect(full.systemusers).toBe(2); // column and role privileges
    expect(await check()).toEqual({ EntityDefinitions: 1, systemusers: 1 });
  });
});
