/**
 * Issue 11 section 3: a newly selected (or re-selected) field is filled by a quick sync — a read of
 * the key and the new columns merged into the stored rows — instead of a full re-read; the delta
 * goes on; the filled values log no Change Data Value; a Dynamics change during the quick sync
 * ends correct; Advanced Sync limits it to a modified-on range; a queued field cannot be deselected.
 */
import { expect, it } from 'vitest';
import { silentLogger } from '../../src/config/logger.js';
import { ActivityType } from '../../src/domain/index.js';
import { getCheckpoint } from '../../src/store/checkpoints.js';
import { listQuickSyncs } from '../../src/store/quick-sync.js';
import { runQuickSyncs, type QuickSyncDeps } from '../../src/sync/quick-sync.js';
import { requestQuickSync, parseDateRange } from '../../src/sync/quick-sync-plan.js';
import { buildStatus } from '../../src/sync/status.js';
import { describeWorlds, emulatorRows, type World } from './world.js';

const NEW = ['department', 'gendercode'];

const quick = (w: World, extra: Partial<QuickSyncDeps> = {}) =>
  runQuickSyncs({ db: w.db, source: w.session.source, logger: silentLogger(), ...extra });

/**
 * The oracle: a full re-read of the contacts (an expired delta token) finds nothing to update, so
 * every stored row holds what the full read the quick sync replaces would have stored.
 */
async function fullReadChangesNothing(w: World): Promise<void> {
  w.admin.expireDeltaTokens('contact');
  const c = await w.cycle();
  expect(c.tables.find((t) => t.entity === 'contact')).toMatchObject({ fullRead: true, updated: 0, activities: 0 });
}

/** department and gendercode of every live contact, as Dynamics holds them and as the lead database does. */
async function bothSides(w: World) {
  const dynamics = await emulatorRows(w, 'contacts', ['contactid', ...NEW]);
  const stored = await w.db.query<{ dynamics_id: string; d: unknown; g: unknown; has: boolean }>(
    `SELECT dynamics_id, fields->'department' AS d, fields->'gendercode' AS g, fields ? 'department' AS has
     FROM persons WHERE dynamics_type = 'Contact' AND NOT dynamics_deleted`,
  );
  const local = new Map(stored.rows.map((r) => [r.dynamics_id, r]));
  return { dynamics, local };
}

const cdvCount = async (w: World, field?: string) =>
  (
    await w.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM activities WHERE type_id = $1 AND ($2::text IS NULL OR attributes->>'field' = $2)`,
      [ActivityType.ChangeDataValue, field ?? null],
    )
  ).rows[0]!.n;

describeWorlds('quick sync of newly selected fields', ({ open }) => {
  it('fills the new columns of every contact with a read of the key and those columns, no full read, no Change Data Value', async () => {
    const w = await open();
    await w.cycle();
    const before = (await getCheckpoint(w.db, 'contact'))!;
    const activitiesBefore = await cdvCount(w);

    await w.saveFields('contact', { add: NEW });
    const queued = await listQuickSyncs(w.db);
    expect(queued).toMatchObject([{ entity: 'contact', fields: NEW, state: 'queued' }]);
    const cycle = await w.cycle();
    expect(
      cycle.tables.find((t) => t.entity === 'contact'),
      'the delta goes on',
    ).toMatchObject({
      fullRead: false,
      status: 'success',
    });
    expect((await getCheckpoint(w.db, 'contact'))!.generation, 'no new full-read generation').toBe(before.generation);

    w.admin.resetRequestCounts();
    const [outcome] = await quick(w);
    expect(outcome).toMatchObject({ status: 'done', quickSync: { state: 'done' } });
    expect(w.admin.requestCount('contacts', 'GET'), 'one page of contacts').toBe(1);
    const { dynamics, local } = await bothSides(w);
    expect(outcome!.quickSync.rowsDone).toBe(dynamics.length);
    expect(outcome!.quickSync.rowsTotal).toBe(local.size);
    for (const row of dynamics) {
      const p = local.get(row.contactid as string)!;
      expect(p.has, `contact ${String(row.contactid)} filled`).toBe(true);
      expect([p.d, p.g === null]).toEqual([row.department ?? null, (row.gendercode ?? null) === null]);
    }
    expect(await cdvCount(w), 'filled values are not changes').toBe(activitiesBefore);
    await fullReadChangesNothing(w);
    for (const method of ['POST', 'PATCH', 'DELETE']) expect(w.admin.requestCount('contacts', method)).toBe(0);

    // From now on the delta carries the new columns: a change logs its Change Data Value.
    const id = dynamics.find((r) => r.department !== 'Legal')!.contactid as string;
    await w.rep.update('contacts', id, { department: 'Legal' });
    await w.cycle();
    expect((await bothSides(w)).local.get(id)!.d).toBe('Legal');
    expect(await cdvCount(w, 'department')).toBe(1);
  });

  it('ends correct when Dynamics changes a value during the quick sync (the newer read wins, whichever commits first)', async () => {
    const w = await open({}, { pageSize: 10 });
    await w.cycle();
    await w.saveFields('contact', { add: NEW });
    const all = await emulatorRows(w, 'contacts', ['contactid']);
    const ids = all.map((r) => r.contactid as string);
    const firstPage = ids[3]!; // read by the quick sync's first page (keyset order), before the change
    const laterPage = ids[ids.length - 2]!; // read after the change
    let interleaved = false;
    const outcomes = await quick(w, {
      onPage: async () => {
        if (interleaved) return;
        interleaved = true;
        // The first page is read (stale for firstPage) and not stored yet: a rep edits both
        // records and a cycle stores the changes, with the new columns, before the page commits.
        await w.rep.update('contacts', firstPage, { department: 'Changed first', gendercode: 2 });
        await w.rep.update('contacts', laterPage, { department: 'Changed later' });
        const c = await w.cycle();
        expect(c.tables.find((t) => t.entity === 'contact')).toMatchObject({ updated: 2, fullRead: false });
      },
    });
    expect(outcomes[0]!.status).toBe('done');
    expect(outcomes[0]!.pages).toBeGreaterThan(2);
    const { dynamics, local } = await bothSides(w);
    for (const row of dynamics) {
      const p = local.get(row.contactid as string)!;
      expect(p.d, String(row.contactid)).toEqual(row.department ?? null);
    }
    expect(local.get(firstPage)!.d).toBe('Changed first');
    expect(local.get(laterPage)!.d).toBe('Changed later');
    await fullReadChangesNothing(w);
  });

  it('re-selecting a deselected field refreshes it the same way; deselecting alone reads nothing again', async () => {
    const w = await open();
    await w.cycle();
    await w.saveFields('contact', { add: ['department'] });
    await quick(w);
    await w.saveFields('contact', { remove: ['department'] });
    const id = (await emulatorRows(w, 'contacts', ['contactid']))[0]!.contactid as string;
    await w.rep.update('contacts', id, { department: 'While deselected' });
    const c = await w.cycle();
    expect(c.tables.find((t) => t.entity === 'contact')).toMatchObject({ fullRead: false });
    expect((await bothSides(w)).local.get(id)!.d, 'a deselected field keeps its value').not.toBe('While deselected');

    await w.saveFields('contact', { add: ['department'] });
    expect(await listQuickSyncs(w.db)).toMatchObject([{ fields: ['department'], state: 'queued' }, { state: 'done' }]);
    const cdv = await cdvCount(w);
    await quick(w);
    expect((await bothSides(w)).local.get(id)!.d).toBe('While deselected');
    expect(await cdvCount(w)).toBe(cdv);
  });

  it('refuses to deselect a field while its quick sync is queued or running, with a clear error', async () => {
    const w = await open();
    await w.cycle();
    await w.saveFields('contact', { add: NEW });
    await expect(w.saveFields('contact', { remove: ['gendercode'] })).rejects.toMatchObject({
      code: 'field_quick_sync_pending',
      message: expect.stringContaining('contact.gendercode cannot be deselected while a quick sync fills it'),
    });
    await quick(w);
    await w.saveFields('contact', { remove: ['gendercode'] });
  });

  it('Advanced Sync refreshes only records modified in the date range ($filter on modifiedon)', async () => {
    const w = await open();
    await w.cycle();
    await w.saveFields('contact', { add: ['department'] });
    await quick(w);
    const ids = (await emulatorRows(w, 'contacts', ['contactid'])).map((r) => r.contactid as string);
    // Values that drifted locally (as a stale, re-selected field would): two records then change in Dynamics.
    await w.db.query(`UPDATE persons SET fields = fields || '{"department": "stale"}' WHERE dynamics_type = 'Contact'`);
    w.admin.advanceClock({ days: 3 });
    const from = new Date(w.admin.now() - 3600_000);
    await w.rep.update('contacts', ids[0]!, { department: 'Recent A' });
    await w.rep.update('contacts', ids[1]!, { department: 'Recent B' });

    const q = await requestQuickSync(w.db, 'contact', ['department'], parseDateRange(from.toISOString(), null));
    expect(q.range.from?.toISOString()).toBe(from.toISOString());
    const [outcome] = await quick(w);
    expect(outcome!.quickSync.rowsDone, 'only the two records modified since').toBe(2);
    const { local } = await bothSides(w);
    expect([local.get(ids[0]!)!.d, local.get(ids[1]!)!.d]).toEqual(['Recent A', 'Recent B']);
    expect(local.get(ids[2]!)!.d, 'outside the range: untouched').toBe('stale');
  });

  it('status shows each quick sync with its progress', async () => {
    const w = await open({}, { pageSize: 10 });
    await w.cycle();
    await w.saveFields('contact', { add: NEW });
    let seen: { rowsDone: number; rowsTotal: number | null; state: string } | undefined;
    await quick(w, {
      onPage: async ({ quickSync }) => {
        if (quickSync.rowsDone === 0) return;
        const s = await buildStatus(w.db, null);
        seen ??= s.quickSyncs[0];
      },
    });
    expect(seen).toMatchObject({ state: 'running', rowsDone: 10, rowsTotal: 50 });
    expect((await buildStatus(w.db, null)).quickSyncs[0]).toMatchObject({ state: 'done' });
  });

  it('a table still in its first full read, and an explicit full read, keep the full read', async () => {
    const w = await open();
    await w.saveFields('contact', { add: ['department'] });
    expect(await listQuickSyncs(w.db), 'nothing synced yet: the first read fills it').toEqual([]);
    await w.cycle();
    await w.saveFields('contact', { add: ['gendercode'], refresh: 'full' });
    expect(await listQuickSyncs(w.db)).toEqual([]);
    const c = await w.cycle();
    expect(c.tables.find((t) => t.entity === 'contact')).toMatchObject({ fullRead: true });
  });
});
