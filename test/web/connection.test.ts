/** Connection page: the stored settings (never the secrets), saving, and the validation checklist. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYNC_USER } from '../api-admin/fixture.js';
import { describeBrowser, expectNoPageErrors, openUi, signIn, toastText, type Ui } from './harness.js';

describeBrowser('connection page', () => {
  let ui: Ui;
  beforeAll(async () => {
    ui = await openUi();
    await signIn(ui, '/connection');
  });
  afterAll(async () => {
    await ui?.close();
  });

  const checks = (ui: Ui) => ui.page.locator('#checklist li.check');

  it('shows the stored connection without its password, and a passing checklist', async () => {
    const { page } = ui;
    await page.locator('#connection-form').waitFor();
    expect(await page.inputValue('#orgUrl')).toBe(ui.fixture.emulator.url);
    expect(await page.inputValue('#username')).toBe(SYNC_USER.username);
    expect(await page.inputValue('#password')).toBe('');
    expect(await page.getAttribute('#password', 'placeholder')).toContain('stored');
    expect(await page.content()).not.toContain(SYNC_USER.password);

    await page.click('#validate');
    await page.locator('#checklist').waitFor();
    expect(await checks(ui).count()).toBe(6);
    expect(await page.locator('#checklist li.check[data-status="pass"]').count()).toBe(6);
    expect(await page.locator('#checklist .alert').textContent()).toContain('All checks passed');
  });

  it('saves a wrong password, then shows the failed check with its hint', async () => {
    const { page } = ui;
    await page.fill('#password', 'not the password');
    await page.click('#save-connection');
    expect(await toastText(page)).toContain('Connection saved');
    await page.locator('#connection-form').waitFor();
    await page.click('#validate');
    const credentials = page.locator('#checklist li[data-check="credentials"]');
    await credentials.waitFor();
    expect(await credentials.getAttribute('data-status')).toBe('fail');
    expect(await credentials.locator('.check-hint').textContent()).toContain('The user name or password is wrong');
    expect(await page.locator('#checklist li[data-status="skipped"]').count()).toBe(4);

    await page.fill('#password', SYNC_USER.password);
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/connection') && r.request().method() === 'PUT');
    await page.click('#save-connection');
    expect((await saved).status()).toBe(200);
    await page.locator('#connection-form').waitFor();
    await page.click('#validate');
    await expect.poll(() => page.locator('#checklist li[data-status="pass"]').count()).toBe(6);
    expectNoPageErrors(ui);
  });
});
