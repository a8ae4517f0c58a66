/** Field sync page: tabs per table, search, availability and default mapping, save. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import { describeBrowser, expectNoPageErrors, openUi, signIn, toastText, type Ui } from './harness.js';

describeBrowser('field sync page', () => {
  let ui: Ui;
  beforeAll(async () => {
    ui = await openUi();
    await signIn(ui, '/fields');
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('lists the account columns with availability and the default mapping marked', async () => {
    const { page } = ui;
    const city = page.locator('tr[data-field="address1_city"]');
    await city.waitFor();
    expect(await page.locator('.tabs a[aria-selected="true"]').textContent()).toBe('Accounts');
    expect(await city.locator('input[type=checkbox]').isChecked()).toBe(true);
    expect(await city.textContent()).toContain('default mapping');
    expect(await city.textContent()).toContain('billingCity');
    expect(await city.locator('.badge.ok').textContent()).toBe('readable');
  });

  it('searches, selects a column and saves it', async () => {
    const { page } = ui;
    await page.fill('#field-search', 'fax');
    await expect.poll(() => page.locator('#field-rows tr').count()).toBe(1);
    const fax = page.locator('tr[data-field="fax"]');
    expect(await fax.locator('input[type=checkbox]').isChecked()).toBe(false);
    expect(await page.locator('#save-fields').isDisabled()).toBe(true);
    await fax.locator('input[type=checkbox]').check();
    expect(await page.locator('#field-summary').textContent()).toContain('unsaved changes');
    await page.click('#save-fields');
    expect(await toastText(page)).toContain('Saved');
    await page.reload();
    await page.locator('tr[data-field="fax"]').waitFor();
    expect(await page.locator('tr[data-field="fax"] input[type=checkbox]').isChecked()).toBe(true);
    const stored = await ui.fixture.db.query(
      `SELECT 1 FROM field_selection WHERE entity = 'account' AND logical_name = 'fax'`,
    );
    expect(stored.rowCount).toBe(1);
  });

  it('switches to the contact table', async () => {
    const { page } = ui;
    await page.click('.tabs a[data-entity="contact"]');
    await page.locator('tr[data-field="emailaddress1"]').waitFor();
    expect(page.url()).toContain('/fields?entity=contact');
    expect(await page.locator('tr[data-field="emailaddress1"]').textContent()).toContain('email');
    expectNoPageErrors(ui);
  });
});

describeBrowser('field sync page: write capability', () => {
  let ui: Ui;
  beforeAll(async () => {
    ui = await openUi();
    createAdmin(ui.fixture.emulator.ctx).setTablePrivileges('sync@contoso.test', 'lead', { write: false });
    await signIn(ui, '/fields?entity=lead');
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('marks a selected lead column the sync user may not write, and only once selected', async () => {
    const { page } = ui;
    // emailaddress2 is not in the default lead mapping the fixture selected: it starts unselected.
    const first = page.locator('tr[data-field="emailaddress2"]');
    await first.waitFor();
    expect(await page.locator('.tabs a[aria-selected="true"]').textContent()).toBe('Leads');
    expect(await page.locator('#write-direction').textContent()).toContain('written back to Dynamics');
    expect(await first.locator('.write-note').count()).toBe(0);
    await first.locator('input[type=checkbox]').check();
    await page.click('#save-fields');
    expect(await toastText(page)).toContain('Saved');
    const note = page.locator('tr[data-field="emailaddress2"] .write-note');
    await note.waitFor();
    expect(await note.locator('.badge.warn').textContent()).toBe('read-only in Dynamics');
    expect(await note.textContent()).toContain('the sync user has no write privilege on the table');
  });

  it('says accounts are never written and marks none of their columns', async () => {
    const { page } = ui;
    await page.click('.tabs a[data-entity="account"]');
    await page.locator('tr[data-field="name"]').waitFor(); // a column leads do not have: the account tab has loaded
    expect(await page.locator('#write-direction').textContent()).toContain(
      'dynasync never writes accounts to Dynamics',
    );
    expect(await page.locator('.write-note').count()).toBe(0);
    expectNoPageErrors(ui);
  });
});
