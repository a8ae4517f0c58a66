/**
 * Sync errors grouped by kind, from real causes: three accounts with an option Dynamics has and the
 * catalog does not (from Dynamics), three contact writes Dynamics refused because the sync user
 * lost write access (to Dynamics). Each group shows its count, category and next step; records show
 * their names and link to the person; Retry re-sends a group's writes (and the sender then writes
 * them); Resolve hides a group until the problem happens again.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/index.js';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import { loadConnection } from '../../src/store/connection-repo.js';
import { outboxCounts, recordPersonChange } from '../../src/store/outbox.js';
import { drainOutbox } from '../../src/sync/sender.js';
import { createOutboxWriter } from '../../src/sync/sender-loop.js';
import { runCycle } from '../../src/sync/cycle.js';
import { openSession } from '../../src/sync/session.js';
import { SYNC_USER } from '../api-admin/fixture.js';
import { emulatorRows } from '../sync/world.js';
import { describeBrowser, expectNoPageErrors, openUi, signIn, toastText, type Ui } from './harness.js';
import { screenshotPath } from './screenshots.js';

describeBrowser('sync errors grouped by kind', () => {
  let ui: Ui;
  let contacts: { id: number; dynamicsId: string; name: string }[];
  const drain = async () => {
    const connection = (await loadConnection(ui.fixture.db, ui.fixture.secretBox))!;
    return drainOutbox({
      db: ui.fixture.db,
      writer: createOutboxWriter(connection, silentLogger()),
      logger: silentLogger(),
    });
  };

  beforeAll(async () => {
    ui = await openUi({ corruptAccounts: 3 });
    const { db, emulator } = ui.fixture;
    contacts = (
      await db.query<{ id: string; dynamics_id: string; name: string }>(
        `SELECT id::text, dynamics_id, concat_ws(' ', fields->>'firstName', fields->>'lastName') AS name
         FROM persons WHERE dynamics_type = 'Contact' ORDER BY id LIMIT 3`,
      )
    ).rows.map((r) => ({ id: Number(r.id), dynamicsId: r.dynamics_id, name: r.name }));
    createAdmin(emulator.ctx).setTablePrivileges(SYNC_USER.username, 'contact', { write: false });
    for (const c of contacts)
      await db.transaction((tx) =>
        recordPersonChange(tx, c.id, [{ field: 'title', value: 'Head of Tests', old: null }]),
      );
    expect((await drain()).failed).toBeGreaterThan(0);
    expect(await outboxCounts(db)).toEqual({ pending: 0, failed: 3 });
    await signIn(ui, '/errors');
  });
  afterAll(async () => {
    await ui?.close();
  });

  const group = (code: string) => ui.page.locator(`#error-groups .error-group[data-code="${code}"]`);

  it('groups the errors with a count, a category, the next step, and first and last time', async () => {
    const { page } = ui;
    await expect.poll(() => page.locator('#error-groups .error-group').count()).toBe(2);
    const denied = group('privilege_denied');
    expect(await denied.locator('.group-count').textContent()).toBe('3 records');
    expect(await denied.locator('.badge').textContent()).toBe('permission');
    expect(await denied.textContent()).toContain('contact · update · lead database → Dynamics');
    expect(await denied.locator('.next-step').textContent()).toContain('write access to this table');
    const option = group('unknown_option');
    expect(await option.locator('.group-count').textContent()).toBe('3 records');
    expect(await option.locator('.badge').textContent()).toBe('schema');
    expect(await option.textContent()).toMatch(/account · \w+ · Dynamics → lead database · column industrycode/);
    expect(await option.textContent()).toMatch(/First .* · last .* · seen 3 times/);
    // The health line says records failed, and where to go.
    expect(await page.locator('#health-line').textContent()).toContain('6 records failed to sync.');
  });

  it('shows each record by name with a link to the person; no Dynamics link to the loopback emulator', async () => {
    const { page } = ui;
    await group('privilege_denied').locator('.show-records').click();
    const rows = group('privilege_denied').locator('.group-records tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    const names = await rows.locator('.record-name').allTextContents();
    expect(names.sort()).toEqual(contacts.map((c) => c.name).sort());
    const hrefs = await rows.locator('a.record-name').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs.sort()).toEqual(contacts.map((c) => `/people/${c.id}`).sort());
    expect(await rows.locator('a.dynamics-link').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('errors-grouped'), fullPage: true });
  });

  it('retries the group: the writes are queued again, the sender writes them, the group is gone', async () => {
    const { page, fixture } = ui;
    createAdmin(fixture.emulator.ctx).setTablePrivileges(SYNC_USER.username, 'contact', { write: true });
    await group('privilege_denied').locator('.retry-group').click();
    expect(await toastText(page)).toBe('3 writes queued again.');
    await expect.poll(() => group('privilege_denied').count()).toBe(0);
    expect(await outboxCounts(fixture.db)).toEqual({ pending: 3, failed: 0 });
    expect((await drain()).confirmed).toBe(3);
    // Read back from Dynamics with plain fetch, not the sync's client.
    const titled = await emulatorRows(
      { emu: fixture.emulator },
      'contacts',
      ['contactid'],
      "jobtitle eq 'Head of Tests'",
    );
    expect(titled.map((r) => r.contactid).sort()).toEqual(contacts.map((c) => c.dynamicsId).sort());
  });

  it('resolves a group: hidden until the problem happens again', async () => {
    const { page, fixture } = ui;
    await group('unknown_option').locator('.resolve-group').click();
    expect(await toastText(page)).toBe('3 errors resolved: hidden until they happen again.');
    await expect.poll(() => page.locator('#groups-title').textContent()).toBe('No open errors');
    // A rep edits one of the still-bad accounts: the next cycle reads it again, and the error is back.
    fixture.repEdit('account', fixture.corruptedAccounts[0]!, { telephone1: '+33 1 00 00 00 00' });
    const session = await openSession(fixture.db, fixture.secretBox, silentLogger(), 5000);
    await runCycle(
      { db: fixture.db, source: session.source, logger: silentLogger(), userId: await session.userId() },
      'once',
    );
    await page.reload();
    await expect.poll(() => group('unknown_option').locator('.group-count').textContent()).toBe('1 record');
    expectNoPageErrors(ui);
  });
});
