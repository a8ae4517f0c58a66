/** Companies page: companies with people counts, search by name, and their people. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, expectNoPageErrors, openUi, signIn, type Ui } from './harness.js';

describeBrowser('companies page', () => {
  let ui: Ui;
  beforeAll(async () => {
    ui = await openUi();
    await signIn(ui, '/companies');
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('lists companies with their people counts, finds one by name and opens its people', async () => {
    const { page } = ui;
    await page.locator('#company-rows tr[data-company]').first().waitFor();
    expect(await page.locator('#company-rows tr[data-company]').count()).toBe(50);
    const total = (await ui.fixture.db.query<{ n: number }>('SELECT count(*)::int AS n FROM companies')).rows[0]!.n;
    expect(await page.locator('#companies-position').textContent()).toBe(`1–50 of ${total.toLocaleString('en-US')}`);
    expect(await page.locator('#companies-next').isEnabled()).toBe(true);

    const c = (
      await ui.fixture.db.query<{ id: number; name: string; n: number }>(
        `SELECT c.id::int, c.fields->>'company' AS name, count(p.id)::int AS n FROM companies c
       JOIN persons p ON p.account_dynamics_id = c.dynamics_id GROUP BY c.id ORDER BY c.id DESC LIMIT 1`,
      )
    ).rows[0]!;
    await page.fill('#company-search', c.name);
    await page.press('#company-search', 'Enter');
    const row = page.locator(`#company-rows tr[data-company="${c.id}"]`);
    await row.waitFor();
    expect(await row.locator('.people-count').textContent()).toBe(String(c.n));
    await row.locator('.people-count').click();
    await page.waitForURL(`${ui.url}/people?company=${c.id}`);
    await expect.poll(() => page.locator('#people-rows tr[data-person]').count()).toBe(c.n);
    expectNoPageErrors(ui);
  });
});
