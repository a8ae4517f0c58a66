/**
 * The Custom tables page in the browser: every custom table of Dynamics with whether it can sync and
 * why not, enabling one and choosing its columns, and its records on the person page after a cycle.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/logger.js';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import { getSelection } from '../../src/store/fields-repo.js';
import { runCycle } from '../../src/sync/cycle.js';
import { openSession } from '../../src/sync/session.js';
import { describeBrowser, expectNoPageErrors, openUi, signIn, toastText, type Ui } from './harness.js';

describeBrowser('custom tables page', () => {
  let ui: Ui;
  let contact: string;
  let personId: number;
  beforeAll(async () => {
    ui = await openUi();
    const f = ui.fixture;
    const admin = createAdmin(f.emulator.ctx);
    admin.addTable({
      logicalName: 'new_visit',
      displayName: 'Visit',
      columns: [
        { logicalName: 'new_contactid', type: 'Lookup', targets: ['contact'] },
        { logicalName: 'new_duration', type: 'Integer' },
        { logicalName: 'new_internal', type: 'String' },
      ],
    });
    admin.addTable({ logicalName: 'new_orphan', displayName: 'Orphan' });
    admin.addTable({
      logicalName: 'new_ticket',
      displayName: 'Ticket',
      columns: [{ logicalName: 'new_customerid', type: 'Customer' }],
    });
    admin.addTable({
      logicalName: 'new_secret',
      columns: [{ logicalName: 'new_contactid', type: 'Lookup', targets: ['contact'] }],
    });
    admin.setTableRead('sync@contoso.test', 'new_secret', false);
    const row = (
      await f.db.query<{ id: string; dynamics_id: string }>(
        `SELECT id::text AS id, dynamics_id FROM persons WHERE dynamics_type = 'Contact' ORDER BY id LIMIT 1`,
      )
    ).rows[0]!;
    contact = row.dynamics_id;
    personId = Number(row.id);
    const rep = f.emulator.ctx.identity.userIdByName('rep@contoso.test')!;
    const as = { userId: rep, name: 'rep@contoso.test', kind: 'user' as const, appId: 'dynasync-local' };
    f.emulator.ctx.data.create(as, 'new_visit', {
      new_name: 'Site visit',
      new_duration: 42,
      new_internal: 'do not sync this',
      'new_contactid@odata.bind': `/contacts(${contact})`,
    });
    await signIn(ui, '/custom-tables');
  });
  afterAll(async () => {
    await ui?.close();
  });

  const row = (name: string) => ui.page.locator(`tr[data-table="${name}"]`);

  it('lists each custom table as eligible, or not with the reason, with its links', async () => {
    await row('new_visit').waitFor();
    expect(await row('new_visit').locator('td').nth(1).textContent()).toBe('can synclevel 1');
    expect(await row('new_visit').locator('td').nth(2).textContent()).toBe('new_contactid → contact');
    expect(await row('new_visit').getByRole('button', { name: 'Enable' }).isEnabled()).toBe(true);

    expect(await row('new_ticket').locator('td').nth(2).textContent()).toBe(
      'new_customerid → account | contact (per record)',
    );
    expect(await row('new_ticket').getByRole('button', { name: 'Enable' }).isEnabled()).toBe(true);

    expect(await row('new_orphan').locator('td').nth(1).textContent()).toBe('cannot sync');
    expect(await row('new_orphan').locator('td').nth(3).textContent()).toBe(
      'it does not link to a lead, contact or account, directly or through one more table',
    );
    expect(await row('new_orphan').getByRole('button', { name: 'Enable' }).isDisabled()).toBe(true);
    expect(await row('new_secret').locator('td').nth(3).textContent()).toContain('the sync user cannot read it');
    expect(await row('new_secret').getByRole('button', { name: 'Enable' }).isDisabled()).toBe(true);
    expectNoPageErrors(ui);
  });

  it('enables a table and saves its columns', async () => {
    const { page } = ui;
    await row('new_visit').getByRole('button', { name: 'Enable' }).click();
    expect(await toastText(page)).toContain('new_visit: enabled; the next cycle reads it in full');
    await expect.poll(() => row('new_visit').locator('td').nth(1).textContent()).toBe('enabledlevel 1');
    expect(await row('new_visit').getByRole('button', { name: 'Disable' }).isEnabled()).toBe(true);

    await row('new_visit').getByRole('link', { name: 'Columns' }).click();
    const box = (column: string) => page.getByLabel(`Sync ${column}`);
    await box('new_duration').waitFor();
    expect(await page.locator('#custom-columns h2').textContent()).toBe('Columns of new_visit');
    for (const c of ['new_contactid', 'new_duration', 'new_internal', 'new_name'])
      expect(await box(c).isChecked()).toBe(true);
    await box('new_internal').uncheck();
    await page.getByRole('button', { name: 'Save columns' }).click();
    // The enable toast may still show: wait for this one.
    await page.locator('#toasts .toast', { hasText: 'new_visit: columns saved' }).waitFor();
    const selected = (await getSelection(ui.fixture.db, 'new_visit')).map((s) => s.logicalName).sort();
    expect(selected).toEqual(['new_contactid', 'new_duration', 'new_name']);
    expectNoPageErrors(ui);
  });

  it("shows the enabled table's records on the person page after a cycle", async () => {
    const { page } = ui;
    const f = ui.fixture;
    const session = await openSession(f.db, f.secretBox, silentLogger(), 5000);
    const userId = await session.userId();
    const cycle = await runCycle({ db: f.db, source: session.source, logger: silentLogger(), userId }, 'once');
    expect(cycle.tables.find((t) => t.entity === 'new_visit')).toMatchObject({ fullRead: true, inserted: 1 });

    await page.goto(`${ui.url}/people/${personId}`);
    const record = page.locator('#custom-records tbody tr[data-record]');
    await expect.poll(() => record.count()).toBe(1);
    const text = (await record.textContent()) ?? '';
    expect(text).toContain('new_visit');
    expect(text).toContain('new_name: Site visit');
    expect(text).toContain('new_duration: 42');
    expect(text).toContain('this person');
    expect(text).not.toContain('do not sync this'); // deselected before the first read
    expectNoPageErrors(ui);
  });
});
