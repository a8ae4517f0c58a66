/**
 * People and Companies lists in the browser: where you are ("51–100 of 2,160"), next and previous,
 * sort by a column header, a person-field and a company-field filter (kept in the URL), and the
 * CSV export of exactly the filtered rows.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, expectNoPageErrors, openUi, signIn, type Ui } from './harness.js';

const n = (x: number) => x.toLocaleString('en-US');

describeBrowser('people and companies lists', () => {
  let ui: Ui;
  const count = async (sql: string, params: unknown[] = []) =>
    (await ui.fixture.db.query<{ n: number }>(sql, params)).rows[0]!.n;
  beforeAll(async () => {
    ui = await openUi();
    await signIn(ui, '/people');
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('pages people with the position, forward and back', async () => {
    const { page } = ui;
    const total = await count('SELECT count(*)::int AS n FROM persons');
    const position = page.locator('#people-position');
    await expect.poll(() => position.textContent()).toBe(`1–50 of ${n(total)}`);
    expect(await page.locator('#people-prev').isDisabled()).toBe(true);
    const firstIds = await page
      .locator('#people-rows tr[data-person]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-person')));
    await page.click('#people-next');
    await expect.poll(() => position.textContent()).toBe(`51–100 of ${n(total)}`);
    await page.click('#people-prev');
    await expect.poll(() => position.textContent()).toBe(`1–50 of ${n(total)}`);
    const again = await page
      .locator('#people-rows tr[data-person]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-person')));
    expect(again).toEqual(firstIds);
  });

  it('sorts by a column header, then the other way', async () => {
    const { page } = ui;
    await page.click('#people-table th button[data-sort="email"]');
    await expect.poll(() => page.url()).toContain('sort=email');
    const expected = await ui.fixture.db.query<{ email: string | null }>(
      `SELECT email FROM persons ORDER BY lower(coalesce(email, '')) DESC, id DESC LIMIT 3`,
    );
    await page.click('#people-table th button[data-sort="email"]');
    await expect.poll(() => page.url()).toContain('dir=desc');
    await expect
      .poll(() =>
        page
          .locator('#people-rows tr[data-person] td:nth-child(2)')
          .evaluateAll((c) => c.slice(0, 3).map((x) => x.textContent)),
      )
      .toEqual(expected.rows.map((r) => r.email ?? '—'));
    expect(await page.locator('#people-table th[aria-sort="descending"]').textContent()).toContain('Email');
  });

  it('filters by a company field and a person field, and exports exactly those rows', async () => {
    const { page } = ui;
    const city = (
      await ui.fixture.db.query<{ city: string }>(
        `SELECT c.fields->>'billingCity' AS city FROM companies c JOIN persons p ON p.account_dynamics_id = c.dynamics_id
         WHERE c.fields->>'billingCity' <> '' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
      )
    ).rows[0]!.city;
    await page.selectOption('#people-filter-field', 'company.billingCity');
    await page.selectOption('#people-filter-op', 'equals');
    await page.fill('#people-filter-value', city);
    await page.click('#people-filter-add');
    const inCity = await count(
      `SELECT count(*)::int AS n FROM persons p LEFT JOIN companies c ON c.dynamics_id = p.account_dynamics_id
       WHERE lower(coalesce(c.fields, p.fields)->>'billingCity') = lower($1)`,
      [city],
    );
    const position = page.locator('#people-position');
    await expect.poll(() => position.textContent()).toBe(`1–${n(Math.min(50, inCity))} of ${n(inCity)}`);
    expect(await page.locator('.chip[data-filter]').textContent()).toContain(city);
    await page.selectOption('#people-filter-field', 'person.microsoftType');
    await page.selectOption('#people-filter-op', 'equals');
    await page.fill('#people-filter-value', 'Contact');
    await page.click('#people-filter-add');
    const contacts = await count(
      `SELECT count(*)::int AS n FROM persons p LEFT JOIN companies c ON c.dynamics_id = p.account_dynamics_id
       WHERE lower(coalesce(c.fields, p.fields)->>'billingCity') = lower($1) AND p.dynamics_type = 'Contact'`,
      [city],
    );
    await expect.poll(() => position.textContent()).toContain(`of ${n(contacts)}`);
    // A reload keeps the filters (they are in the URL).
    await page.reload();
    await expect.poll(() => position.textContent()).toContain(`of ${n(contacts)}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#people-csv')]);
    const lines = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(contacts + 1);
    expect(lines.slice(1).every((l) => l.includes('"Contact"'))).toBe(true);
    expectNoPageErrors(ui);
  });

  it('companies: sorts by people, most first, with thousands separators', async () => {
    const { page } = ui;
    await page.goto(`${ui.url}/companies?sort=people&dir=desc`);
    const most = await count(
      `SELECT max(n)::int AS n FROM (SELECT count(*) AS n FROM persons WHERE account_dynamics_id IS NOT NULL GROUP BY account_dynamics_id) x`,
    );
    await expect
      .poll(() => page.locator('#company-rows tr[data-company] .people-count').first().textContent())
      .toBe(n(most));
    const total = await count('SELECT count(*)::int AS n FROM companies');
    expect(await page.locator('#companies-position').textContent()).toBe(`1–50 of ${n(total)}`);
    expectNoPageErrors(ui);
  });
});
