/**
 * People and person pages: search by email or name; a company field edited on one person shows on
 * another person of the same company, with its Change Data Value in the activity log.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, expectNoPageErrors, openUi, signIn, toastText, type Ui } from './harness.js';

describeBrowser('people and person pages', () => {
  let ui: Ui;
  let colleagues: { companyId: number; a: number; b: number; aEmail: string; aLast: string; people: number };
  beforeAll(async () => {
    ui = await openUi();
    const r = await ui.fixture.db.query<{
      company_id: number;
      ids: number[];
      emails: string[];
      lasts: string[];
      n: number;
    }>(
      `SELECT c.id::int AS company_id, array_agg(p.id::int ORDER BY p.id) AS ids, array_agg(p.email ORDER BY p.id) AS emails,
              array_agg(p.fields->>'lastName' ORDER BY p.id) AS lasts, count(*)::int AS n
       FROM persons p JOIN companies c ON c.dynamics_id = p.account_dynamics_id
       GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1`,
    );
    const row = r.rows[0]!;
    colleagues = {
      companyId: row.company_id,
      a: row.ids[0]!,
      b: row.ids[1]!,
      aEmail: row.emails[0]!,
      aLast: row.lasts[0]!,
      people: row.n,
    };
    await signIn(ui, '/people');
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('finds a person by email and by name', async () => {
    const { page } = ui;
    await page.locator('#people-rows tr[data-person]').first().waitFor();
    await page.fill('#people-search', colleagues.aEmail.toUpperCase());
    await page.press('#people-search', 'Enter');
    await expect.poll(() => page.locator('#people-rows tr[data-person]').count()).toBe(1);
    expect(await page.locator('#people-rows tr[data-person]').getAttribute('data-person')).toBe(String(colleagues.a));
    await page.fill('#people-search', colleagues.aLast);
    await page.press('#people-search', 'Enter');
    await expect.poll(() => page.locator(`#people-rows tr[data-person="${colleagues.a}"]`).count()).toBe(1);
    const names = await page.locator('#people-rows tr[data-person] td:first-child').allTextContents();
    expect(names.every((n) => n.toLowerCase().includes(colleagues.aLast.toLowerCase()))).toBe(true);
  });

  it('edits a company field on one person; another person of the company shows it, with its Change Data Value', async () => {
    const { page } = ui;
    await page.click(`#people-rows tr[data-person="${colleagues.a}"] a`);
    await page.waitForURL(`${ui.url}/people/${colleagues.a}`);
    const city = page.locator('form[data-company-field="billingCity"]');
    await city.waitFor();
    const oldCity = await city.locator('input').inputValue();
    await city.locator('input').fill('Porto');
    await city.locator('button').click();
    const message = await toastText(page);
    expect(message).toContain(`now Porto for all ${colleagues.people} people of the company`);
    expect(message).toContain('Not sent to Dynamics');

    // To the other person through the company's people list.
    await page.click('#company-fields h2 a');
    await page.waitForURL(`${ui.url}/people?company=${colleagues.companyId}`);
    await expect.poll(() => page.locator('#people-rows tr[data-person]').count()).toBe(colleagues.people);
    await page.click(`#people-rows tr[data-person="${colleagues.b}"] a`);
    await page.waitForURL(`${ui.url}/people/${colleagues.b}`);
    await expect.poll(() => page.locator('form[data-company-field="billingCity"] input').inputValue()).toBe('Porto');
    const cdv = page.locator('#activity-rows tr[data-type="13"]').first();
    const cells = await cdv.locator('td').allTextContents();
    expect(cells[1]).toBe('Change Data Value');
    expect(cells[2]).toBe('billingCity');
    expect(cells[3]).toBe(`${oldCity || '—'} → Porto`);
    expect(cells[4]).toContain('Company field changed');
    expect(cells[5]).toBe('local');
    expect(await page.locator('#activity-rows tr[data-type="12"]').count()).toBe(1); // New Lead
    expectNoPageErrors(ui);
  });

  it('says so when a person id does not exist', async () => {
    const { page } = ui;
    await page.goto(`${ui.url}/people/99999999`);
    await expect.poll(() => page.locator('#page .alert.error').textContent()).toBe('No person with id 99999999');
  });
});
