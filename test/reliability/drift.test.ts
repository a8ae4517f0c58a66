/**
 * Drift (issue 6 item 4): Dynamics changes under a running sync, in the middle of a multi-page
 * read: a column added, a selected column deleted, a selected column secured, the table read
 * privilege revoked, change tracking switched off. Each gets its specified behaviour (issue 3
 * items 4 and 11, behavior-reference) and a clear error, the other tables go on, and once the
 * cause is repaired the lead database equals Dynamics again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getCheckpoint } from '../../src/store/checkpoints.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { createAdmin, type EmulatorAdmin } from '../../src/emulator/faults/admin.js';
import { saveFieldSelection } from '../../src/sync/fields.js';
import { runQuickSyncs } from '../../src/sync/quick-sync.js';
import { silentLogger } from '../../src/config/logger.js';
import type { PageEvent } from '../../src/sync/stream.js';
import { describeMismatches } from './helpers/compare.js';
import { EngineHarness } from './helpers/engine.js';

const SYNC_USER = 'sync@contoso.test';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function world(): Promise<{ emu: EmulatorHandle; admin: EmulatorAdmin; h: EngineHarness }> {
  const emu = await startEmulator({ port: 0, seed: 'small', enableAdmin: true });
  cleanup.push(() => emu.close());
  const h = await EngineHarness.create(emu, { pageSize: 50, retry: { initialDelayMs: 10, maxDelayMs: 50 } });
  cleanup.push(() => h.close());
  return { emu, admin: createAdmin(emu.ctx), h };
}

/**
 * Calls `fn` once, after the `nth` page with rows of `entity` has been committed (the engine may
 * already hold the next page and be fetching the one after: the change shows from there).
 */
const after = (entity: string, nth: number, fn: () => void | Promise<void>) => {
  let seen = 0;
  return { onPage: (e: PageEvent) => void (e.entity === entity && e.records > 0 && ++seen === nth && fn()) };
};

async function expectInSync(h: EngineHarness): Promise<void> {
  const c = await h.compare();
  expect(c.mismatches, describeMismatches(c.mismatches)).toEqual([]);
}

describe('drift in the middle of a read', () => {
  it('a column added mid-sync changes nothing until selected; selecting it fills it by a quick sync', async () => {
    const { emu, admin, h } = await world();
    const r = await h.cycle(
      after('contact', 3, () => {
        admin.addColumn('contact', { logicalName: 'new_segment', type: 'String', maxLength: 40 });
      }),
    );
    expect(r.status).toBe('success');
    await expectInSync(h);
    const ids = emu.ctx.data.ids('contact', 5);
    for (const id of ids) await h.rep.update('contacts', id, { new_segment: `Segment of ${id.slice(0, 4)}` });
    await saveFieldSelection(h.db, h.client, await h.userId(), { entity: 'contact', add: ['new_segment'] });
    const next = await h.cycle();
    expect(next.tables.find((t) => t.entity === 'contact')).toMatchObject({ status: 'success', fullRead: false });
    const [quick] = await runQuickSyncs({ db: h.db, source: h.client, logger: silentLogger() });
    expect(quick).toMatchObject({ status: 'done', quickSync: { fields: ['new_segment'] } });
    const snap = await h.snapshot();
    expect(snap.persons.get(ids[0]!)!.fields.new_segment).toBe(`Segment of ${ids[0]!.slice(0, 4)}`);
    await expectInSync(h);
  });

  it('a selected column deleted mid-sync blocks its table with a clear error; the others go on; saving the selection resumes', async () => {
    const { emu, admin, h } = await world();
    admin.addColumn('account', { logicalName: 'new_tier', type: 'String', maxLength: 20 });
    await saveFieldSelection(h.db, h.client, await h.userId(), { entity: 'account', add: ['new_tier'] });
    // Four account pages: removed after the first commits, the column is gone for the third or
    // fourth page's request (on PostgreSQL the next page is fetched while a page commits).
    const r = await h.cycle(after('account', 1, () => admin.removeColumn('account', 'new_tier')));
    expect(r.status).toBe('partial');
    const account = r.tables.find((t) => t.entity === 'account')!;
    expect(account).toMatchObject({ status: 'blocked', error: { code: 'column_deleted' } });
    expect(account.error!.message).toMatch(/new_tier/);
    expect(r.tables.find((t) => t.entity === 'contact')!.status).toBe('success');
    const status = h.tableStatus(await h.status(), 'account');
    expect(status.blockedReason).toMatch(/new_tier[\s\S]*Save the field selection again/);
    expect(status.lastError?.code).toBe('column_deleted');
    expect((await h.syncErrors()).map((e) => e.code)).toContain('column_deleted');

    await h.rep.update('accounts', emu.ctx.data.ids('account', 1)[0]!, { address1_city: 'Blocked Town' });
    expect(r.tables.find((t) => t.entity === 'account')!.status).toBe('blocked');
    await saveFieldSelection(h.db, h.client, await h.userId(), { entity: 'account', remove: ['new_tier'] });
    const resumed = await h.cycle();
    expect(resumed.status).toBe('success');
    expect((await getCheckpoint(h.db, 'account'))!.blockedReason).toBeNull();
    await expectInSync(h);
  });

  /** A rep edits 250 contacts (five delta pages); `jobtitle` is secured after the first one is stored. */
  async function securedMidRead() {
    const { emu, admin, h } = await world();
    expect((await h.cycle()).status).toBe('success');
    const ids = emu.ctx.data.ids('contact', 250);
    for (const id of ids) await h.rep.update('contacts', id, { telephone1: `+44 20 ${id.slice(0, 6)}` });
    const before = await h.snapshot();
    const r = await h.cycle(
      after('contact', 1, () => {
        admin.setColumnSecured('contact', 'jobtitle', true);
        admin.setSecuredColumnRead(SYNC_USER, 'contact', 'jobtitle', false);
      }),
    );
    expect(r.tables.find((t) => t.entity === 'contact')!.pages).toBeGreaterThanOrEqual(5);
    return { emu, h, ids, before, r };
  }

  it('a selected column secured mid-sync: the cycle completes, and the column is reported as unreadable, clearly', async () => {
    const { emu, h, r } = await securedMidRead();
    expect(r.status).toBe('success');
    const keep = (await h.snapshot()).persons.get(emu.ctx.data.ids('contact', 1)[0]!)!.fields.title;
    await h.rep.update('contacts', emu.ctx.data.ids('contact', 1)[0]!, { jobtitle: 'Hidden Now', telephone1: '+1 1' });
    const next = await h.cycle();
    expect(next.tables.find((t) => t.entity === 'contact')!.status).toBe('success');
    const errors = await h.syncErrors();
    expect(errors.map((e) => [e.entity, e.code])).toContainEqual(['contact', 'column_unreadable']);
    expect(errors.find((e) => e.code === 'column_unreadable')!.message).toMatch(
      /contact\.jobtitle is selected but the sync user can no longer read it/,
    );
    expect(
      (await h.snapshot()).persons.get(emu.ctx.data.ids('contact', 1)[0]!)!.fields.title,
      'an unreadable column is not written',
    ).toBe(keep);
  });

  // Every page is checked for readability after it is read: pages read after a column turns
  // unreadable must not bring nulls over stored values (issue 3 item 4).
  it('a selected column secured mid-sync keeps every stored value (issue 3 item 4)', async () => {
    const { h, ids, before } = await securedMidRead();
    const snap = await h.snapshot();
    const wiped = ids.filter((id) => snap.persons.get(id)!.fields.title !== before.persons.get(id)!.fields.title);
    expect(wiped, 'job titles wiped by a column that turned unreadable mid-read').toEqual([]);
  });

  it('the read privilege revoked mid-sync fails that table with a clear error; restored, the read resumes where it stopped', async () => {
    const { admin, h } = await world();
    const r = await h.cycle(after('contact', 5, () => admin.setTablePrivileges(SYNC_USER, 'contact', { read: false })));
    expect(r.status).toBe('partial');
    const contact = r.tables.find((t) => t.entity === 'contact')!;
    expect(contact.status).toBe('failed');
    expect(contact.pages).toBeGreaterThanOrEqual(5);
    expect(contact.error!.message).toMatch(/privilege|read|contact/i);
    const status = h.tableStatus(await h.status(), 'contact');
    expect(status.lastError?.code).toBe(contact.error!.code);
    expect(status.phase).toBe('initial');

    admin.setTablePrivileges(SYNC_USER, 'contact', { read: true });
    const resumed = await h.cycle();
    expect(resumed.status).toBe('success');
    expect(
      resumed.tables.find((t) => t.entity === 'contact')!.pages,
      'resumed from its checkpoint, not from scratch',
    ).toBeLessThan(40);
    await expectInSync(h);
  });

  it('change tracking switched off fails that table with a clear error; the others go on', async () => {
    const { emu, admin, h } = await world();
    expect((await h.cycle()).status).toBe('success');
    admin.setChangeTracking('account', false);
    await h.rep.update('contacts', emu.ctx.data.ids('contact', 1)[0]!, { jobtitle: 'Still Tracked' });
    const r = await h.cycle();
    expect(r.status).toBe('partial');
    const account = r.tables.find((t) => t.entity === 'account')!;
    expect(account.status).toBe('failed');
    expect(account.error!.message).toMatch(/change tracking/i);
    expect(r.tables.find((t) => t.entity === 'contact')).toMatchObject({ status: 'success', updated: 1 });
    expect(h.tableStatus(await h.status(), 'account').lastError!.message).toMatch(/change tracking/i);

    admin.setChangeTracking('account', true);
    await h.rep.update('accounts', emu.ctx.data.ids('account', 1)[0]!, { address1_city: 'Tracked Again' });
    expect((await h.cycle()).status).toBe('success');
    await expectInSync(h);
  });

  it('change tracking switched off in the middle of an initial read fails that table clearly, then recovers', async () => {
    const { admin, h } = await world();
    const r = await h.cycle(after('contact', 2, () => admin.setChangeTracking('contact', false)));
    const contact = r.tables.find((t) => t.entity === 'contact')!;
    expect(contact.status).toBe('failed');
    expect(contact.error!.message).toMatch(/change tracking/i);
    admin.setChangeTracking('contact', true);
    expect((await h.cycle()).status).toBe('success');
    await expectInSync(h);
  });
});
