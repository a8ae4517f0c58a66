/**
 * Issue 10, section 1: Microsoft Type, Microsoft Created Date and Microsoft is Deleted are shown,
 * read-only, in the people list and on the person page.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, expectNoPageErrors, openUi, signIn, type Ui } from './harness.js';

describeBrowser('Microsoft system fields in the UI', () => {
  let ui: Ui;
  let contact: number;
  let local: number;
  let lead: number;
  beforeAll(async () => {
    ui = await openUi();
    const db = ui.fixture.db;
    contact = (
      await db.query<{ id: number }>(
        `SELECT id::int AS id FROM persons WHERE dynamics_type = 'Contact' ORDER BY id LIMIT 1`,
      )
    ).rows[0]!.id;
    // No lead sync nor local person creation in this branch yet: the rows those write, as they write them.
    local = (
      await db.query<{ id: number }>(
        `INSERT INTO persons (email, fields) VALUES ('mo@marketing.test', '{"lastName":"Only"}') RETURNING id::int AS id`,
      )
    ).rows[0]!.id;
    lead = (
      await db.query<{ id: number }>(
        `INSERT INTO persons (dynamics_id, dynamics_type, email, fields, dynamics_created_on, dynamics_deleted)
       VALUES (gen_random_uuid(), 'Lead', 'gone@marketing.test', '{"lastName":"Gone"}', '2024-03-01T10:00:00Z', true) RETURNING id::int AS id`,
      )
    ).rows[0]!.id;
    await signIn(ui, '/people?q=marketing.test');
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('lists the Microsoft type and created date of each person', async () => {
    const { page } = ui;
    await expect.poll(() => page.locator('#people-rows tr[data-person]').count()).toBe(2);
    expect(await page.locator('#people-table th').allTextContents()).toEqual([
      'Name',
      'Email',
      'Company',
      'Microsoft Type',
      'Microsoft Created Date',
      'Last synced',
    ]);
    expect(await page.locator(`tr[data-person="${local}"] td[data-field="microsoftType"]`).textContent()).toBe('—');
    expect(await page.locator(`tr[data-person="${local}"] td[data-field="microsoftCreatedDate"]`).textContent()).toBe(
      '—',
    );
    expect(await page.locator(`tr[data-person="${lead}"] td[data-field="microsoftType"]`).textContent()).toBe(
      'Lead deleted in Dynamics',
    );
    expect(await page.locator(`tr[data-person="${lead}"] td[data-field="microsoftCreatedDate"]`).textContent()).toMatch(
      /2024/,
    );
  });

  it('shows them read-only on the person page', async () => {
    const { page } = ui;
    await page.goto(`${ui.url}/people/${contact}`);
    const fields = page.locator('#microsoft-fields');
    await fields.waitFor();
    expect(await fields.locator('dd[data-field="microsoftType"]').textContent()).toBe('Contact');
    expect(await fields.locator('dd[data-field="microsoftCreatedDate"]').textContent()).not.toBe('—');
    expect(await fields.locator('dd[data-field="microsoftIsDeleted"]').textContent()).toBe('No');
    expect(await fields.locator('input, select, textarea, button').count()).toBe(0);

    await page.goto(`${ui.url}/people/${lead}`);
    await page.locator('#microsoft-fields').waitFor();
    expect(await page.locator('#microsoft-fields dd[data-field="microsoftIsDeleted"]').textContent()).toBe('Yes');
    expect(await page.locator('#microsoft-fields dd[data-field="microsoftType"]').textContent()).toBe('Lead');

    await page.goto(`${ui.url}/people/${local}`);
    await page.locator('#microsoft-fields').waitFor();
    expect(await page.locator('#microsoft-fields dd[data-field="microsoftType"]').textContent()).toBe('—');
    expect(await page.locator('.toolbar .muted').first().textContent()).toContain('Marketing only');
    expectNoPageErrors(ui);
  });
});
