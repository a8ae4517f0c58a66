/**
 * Issue 10 §3 in the UI: the person page of a marketing-only person offers Sync Person to
 * Microsoft (as lead or contact, assigned to a sales person); a synced person's page does not.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, expectNoPageErrors, openUi, signIn, toastText, type Ui } from './harness.js';

describeBrowser('Sync Person to Microsoft on the person page', () => {
  let ui: Ui;
  let local: number;
  let synced: number;
  let owner: string;
  beforeAll(async () => {
    ui = await openUi();
    const db = ui.fixture.db;
    local = Number(
      (
        await db.query<{ id: string }>(
          `INSERT INTO persons (email, fields) VALUES ('ui-push@marketing.test', '{"firstName":"Ui","lastName":"Pushed"}') RETURNING id`,
        )
      ).rows[0]!.id,
    );
    synced = Number(
      (await db.query<{ id: string }>('SELECT id FROM persons WHERE dynamics_id IS NOT NULL ORDER BY id LIMIT 1'))
        .rows[0]!.id,
    );
    owner = (
      await db.query<{ email: string }>(
        `SELECT fields ->> 'email' AS email FROM sales_persons WHERE fields ->> 'email' IS NOT NULL
         AND coalesce(fields ->> 'isDisabled', 'false') <> 'true' ORDER BY id DESC LIMIT 1`,
      )
    ).rows[0]!.email;
    await signIn(ui, `/people/${synced}`);
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('is not offered for a person already in Dynamics', async () => {
    const { page } = ui;
    await page.locator('#person-fields').waitFor();
    expect(await page.locator('#push-card').count()).toBe(0);
  });

  it('refuses an unknown sales person, then queues the person as a contact with its owner and logs Sync Lead to Microsoft', async () => {
    const { page } = ui;
    await page.goto(`${ui.url}/people/${local}`);
    await page.locator('#push-card').waitFor();
    await page.selectOption('#push-as', 'contact');
    await page.fill('#push-owner', 'ghost@nowhere.test');
    await page.click('#push-person');
    expect(await toastText(page)).toContain('ghost@nowhere.test');
    expect((await ui.fixture.db.query('SELECT 1 FROM outbox WHERE person_id = $1', [local])).rowCount).toBe(0);

    await page.fill('#push-owner', owner);
    await page.click('#push-person');
    await expect.poll(() => toastText(page)).toContain('Queued for creation in Dynamics as a contact');
    await expect.poll(() => page.locator('#push-card').count()).toBe(0); // reloaded: it has its Dynamics id now
    const row = page.locator('#activity-rows tr[data-type="300"]');
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells[1]).toBe('Sync Lead to Microsoft');
    expect(cells[2]).toBe('contact');
    expect(cells[3]).toBe(`Assign to ${owner}`);
    const queued = await ui.fixture.db.query<{ entity: string; op: string }>(
      'SELECT entity, op FROM outbox WHERE person_id = $1',
      [local],
    );
    expect(queued.rows).toEqual([{ entity: 'contact', op: 'create' }]);
    expectNoPageErrors(ui);
  });
});
