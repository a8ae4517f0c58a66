/**
 * Opportunities in the browser: the list page (stage, value, close date, company; paged with Load
 * more), one company's opportunities through the company link, and the opportunity card of a person
 * page with the person's contact role in each.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/logger.js';
import { listOpportunities, listOpportunityRoles, type OpportunityView } from '../../src/store/records/index.js';
import { runCycle } from '../../src/sync/cycle.js';
import { openSession } from '../../src/sync/session.js';
import { describeBrowser, expectNoPageErrors, openUi, signIn, type Ui } from './harness.js';

const money = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US') : '—');

describeBrowser('opportunities page', () => {
  let ui: Ui;
  let all: OpportunityView[];
  beforeAll(async () => {
    ui = await openUi();
    // The small seed has 50 opportunities, one page: a few more in Dynamics, synced, make a second.
    const f = ui.fixture;
    const rep = f.emulator.ctx.identity.userIdByName('rep@contoso.test')!;
    const as = { userId: rep, name: 'rep@contoso.test', kind: 'user' as const, appId: 'dynasync-local' };
    const [account] = f.emulator.ctx.data.ids('account', 1);
    for (let i = 1; i <= 7; i++)
      f.emulator.ctx.data.create(as, 'opportunity', {
        name: `Extra deal ${i}`,
        estimatedvalue: 1000 * i,
        'customerid_account@odata.bind': `/accounts(${account})`,
      });
    const session = await openSession(f.db, f.secretBox, silentLogger(), 5000);
    const userId = await session.userId();
    expect((await runCycle({ db: f.db, source: session.source, logger: silentLogger(), userId }, 'once')).status).toBe(
      'success',
    );
    all = await listOpportunities(ui.fixture.db, { kind: 'all' }, { afterId: 0, limit: 10_000 });
    await signIn(ui, '/opportunities');
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('lists every opportunity with stage, value and company, 50 at a time', async () => {
    const { page } = ui;
    expect(all.length).toBe(57);
    const rows = page.locator('#opportunity-rows tr[data-opportunity]');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(50);
    const first = all[0]!;
    const row = page.locator(`#opportunity-rows tr[data-opportunity="${first.dynamicsId}"]`);
    expect(await row.locator('.strong').textContent()).toBe(String(first.fields.name));
    expect(await row.locator('[data-field="stage"]').textContent()).toBe(String(first.fields.stage));
    expect(await row.locator('[data-field="estimatedValue"]').textContent()).toBe(money(first.fields.estimatedValue));

    // Load more until the end: every opportunity once, in id order, and the button goes away.
    while (await page.locator('#more-opportunities').isVisible()) {
      const before = await rows.count();
      await page.click('#more-opportunities');
      await expect.poll(() => rows.count()).toBeGreaterThan(before);
    }
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-opportunity')));
    expect(shown).toEqual(all.map((o) => o.dynamicsId));
    expectNoPageErrors(ui);
  });

  it("a company link shows only that company's opportunities", async () => {
    const { page } = ui;
    const counts = new Map<string, number>();
    for (const o of all)
      if (o.companyDynamicsId) counts.set(o.companyDynamicsId, (counts.get(o.companyDynamicsId) ?? 0) + 1);
    // The first listed opportunity whose company has more than one: the filter must keep them all.
    const pick = all.find((o) => o.companyName && (counts.get(o.companyDynamicsId!) ?? 0) > 1)!;
    await page.goto(`${ui.url}/opportunities`);
    const link = page.locator(`#opportunity-rows tr[data-opportunity="${pick.dynamicsId}"] a`);
    expect(await link.textContent()).toBe(pick.companyName);
    await link.click();
    await page.waitForURL(`${ui.url}/opportunities?company=${pick.companyDynamicsId}`);
    const rows = page.locator('#opportunity-rows tr[data-opportunity]');
    await expect.poll(() => rows.count()).toBe(counts.get(pick.companyDynamicsId!));
    const companies = await rows.evaluateAll((trs) => trs.map((tr) => tr.lastElementChild?.textContent));
    expect(new Set(companies)).toEqual(new Set([pick.companyName]));

    // From the Companies page, the company's Opportunities link leads to the same list.
    await page.goto(`${ui.url}/companies`);
    await page.fill('#company-search', pick.companyName!);
    await page.press('#company-search', 'Enter');
    await page
      .locator(`#company-rows a.opportunities-link[href="/opportunities?company=${pick.companyDynamicsId}"]`)
      .click();
    await page.waitForURL(`${ui.url}/opportunities?company=${pick.companyDynamicsId}`);
    await expect.poll(() => rows.count()).toBe(counts.get(pick.companyDynamicsId!));
    await page.click('text=← All opportunities');
    await page.waitForURL(`${ui.url}/opportunities`);
    expectNoPageErrors(ui);
  });

  it("a person page lists the person's opportunities with the person's role", async () => {
    const { page } = ui;
    // A stakeholder who is also somebody's potential customer, or else any stakeholder.
    const stakeholders = await ui.fixture.db.query<{ id: string }>(
      `SELECT p.id::text AS id FROM opportunity_connections k JOIN persons p ON p.dynamics_id = k.contact_dynamics_id
       WHERE NOT k.dynamics_deleted ORDER BY (SELECT count(*) FROM opportunities o WHERE o.customer_dynamics_id = p.dynamics_id) DESC, p.id LIMIT 1`,
    );
    const personId = Number(stakeholders.rows[0]!.id);
    const roles = await listOpportunityRoles(ui.fixture.db, { kind: 'persons', values: [personId] });
    expect(roles.length).toBeGreaterThan(0);
    await page.goto(`${ui.url}/people/${personId}`);
    const rows = page.locator('#person-opportunities tbody tr[data-opportunity]');
    await expect.poll(() => rows.count()).toBe(roles.length);
    for (const r of roles) {
      const o = all.find((x) => x.dynamicsId === r.opportunityDynamicsId)!;
      const row = page.locator(`#person-opportunities tr[data-opportunity="${r.opportunityDynamicsId}"]`);
      expect(await row.locator('td').first().textContent()).toContain(r.role);
      expect(await row.locator('[data-field="stage"]').textContent()).toBe(String(o.fields.stage));
      expect(await row.locator('[data-field="estimatedValue"]').textContent()).toBe(money(o.fields.estimatedValue));
    }
    // A person with no role says so.
    const none = await ui.fixture.db.query<{ id: string }>(
      `SELECT p.id::text AS id FROM persons p WHERE p.dynamics_type = 'Lead' ORDER BY p.id LIMIT 1`,
    );
    await page.goto(`${ui.url}/people/${none.rows[0]!.id}`);
    await expect.poll(() => page.locator('#person-opportunities tbody').textContent()).toContain('No opportunity.');
    expectNoPageErrors(ui);
  });
});
