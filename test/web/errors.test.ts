/** Sync errors page: the errors of a real sync, search, and the CSV download. */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, expectNoPageErrors, openUi, signIn, type Ui } from './harness.js';

describeBrowser('sync errors page', () => {
  let ui: Ui;
  beforeAll(async () => {
    ui = await openUi({ corruptAccounts: 3 });
    await signIn(ui, '/errors');
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('lists the errors and searches them', async () => {
    const { page } = ui;
    await expect.poll(() => page.locator('#error-rows tr[data-error]').count()).toBe(3);
    expect(await page.locator('#error-total').textContent()).toBe('3 errors');
    expect(await page.locator('#error-rows').textContent()).toContain('unknown_option');
    const id = ui.fixture.corruptedAccounts[1]!;
    await page.fill('#error-search', id);
    await page.click('#error-filter button[type=submit]');
    await expect.poll(() => page.locator('#error-rows tr[data-error]').count()).toBe(1);
    expect(await page.locator('#error-rows').textContent()).toContain(id);
    expect(page.url()).toContain(`q=${id}`);
  });

  it('exports the search result as CSV', async () => {
    const { page } = ui;
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    expect(download.suggestedFilename()).toMatch(/^dynasync-sync-errors-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(ui.fixture.corruptedAccounts[1]!);
    expectNoPageErrors(ui);
  });
});
