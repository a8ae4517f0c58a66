/**
 * The health line in each state, made by real causes in the emulator and the lead database:
 * healthy after a sync, behind when the reps change more than an interval's worth at the last
 * hour's rate, a table blocked by a column deleted in Dynamics, and a refused sign-in. Each state is
 * seen at the top of the status page and of another page, and saved as a screenshot of the status
 * page in test-results/screenshots/ (status-<state>.png) for a reviewer to look at.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/index.js';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import { saveConnection } from '../../src/store/connection-repo.js';
import { runCycle } from '../../src/sync/cycle.js';
import { saveFieldSelection } from '../../src/sync/fields.js';
import { openSession } from '../../src/sync/session.js';
import { SYNC_USER } from '../api-admin/fixture.js';
import { screenshotPath } from './screenshots.js';
import { describeBrowser, expectNoPageErrors, openUi, signIn, type Ui } from './harness.js';

describeBrowser('health line', () => {
  let ui: Ui;
  beforeAll(async () => {
    ui = await openUi();
    await signIn(ui, '/status');
  });
  afterAll(async () => {
    await ui?.close();
  });

  /** The line on the status page, and the same line at the top of another page. */
  async function expectLine(state: string, cause: string, text: RegExp, shot: string): Promise<string> {
    const { page } = ui;
    const line = page.locator('#health-line');
    // The server reuses a pending count for 15 s: load the page again until it says the new state.
    await expect
      .poll(
        async () => {
          await page.goto(`${ui.url}/status`);
          await line.and(page.locator('[data-state]')).waitFor();
          return line.getAttribute('data-state');
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(state);
    expect(await line.getAttribute('data-cause')).toBe(cause);
    const said = (await line.textContent()) ?? '';
    expect(said).toMatch(text);
    await page.locator('#status-table').waitFor();
    await page.screenshot({ path: screenshotPath(`status-${shot}`), fullPage: true });
    await page.goto(`${ui.url}/people`);
    await expect.poll(() => page.locator('#health-line').getAttribute('data-state')).toBe(state);
    expect(await page.locator('#health-line').textContent()).toBe(said);
    return said;
  }

  async function session() {
    const { db, secretBox } = ui.fixture;
    const s = await openSession(db, secretBox, silentLogger(), 5000);
    return { db, source: s.source, logger: silentLogger(), userId: await s.userId() };
  }
  const cycle = async (): Promise<void> => void (await runCycle(await session(), 'once'));

  it('healthy right after a sync: in sync, nothing to do; counts in words; a log-scale chart with times', async () => {
    const said = await expectLine(
      'healthy',
      '',
      /Healthy\s*In sync: nothing is waiting\.\s*Nothing to do\./,
      'healthy',
    );
    const { page } = ui;
    await page.goto(`${ui.url}/status`);
    const contact = page.locator('#status-table tr[data-table="contact"]');
    await expect.poll(() => contact.locator('td').nth(0).textContent()).toBe('in sync');
    const contacts = ui.fixture.emulator.ctx.data.count('contact');
    expect(await contact.locator('td.counts').textContent()).toBe(`${contacts.toLocaleString('en-US')} new`);
    expect(await page.locator('svg.chart').getAttribute('data-scale')).toBe('log');
    expect(await page.locator('svg.chart rect.bar').first().getAttribute('data-full-read')).toBe('true');
    expect(await page.locator('svg.chart text.time-label').first().textContent()).toMatch(/\d{1,2}:\d{2}/);
    expect(said).not.toContain('pending');
  });

  it('behind: more changes waiting than one interval clears at the last hour’s rate, with the ETA', async () => {
    const ids = ui.fixture.emulator.ctx.data.ids('contact', 400);
    for (const id of ids) ui.fixture.repEdit('contact', id, { jobtitle: 'Changed by a rep' });
    const said = await expectLine(
      'behind',
      'backlog',
      /Behind\s*400 changes waiting; at the last hour’s rate/,
      'behind',
    );
    expect(said).toMatch(/that takes \d+ min/);
    const contact = ui.page;
    await contact.goto(`${ui.url}/status`);
    await expect
      .poll(() => contact.locator('#status-table tr[data-table="contact"] td').nth(0).textContent())
      .toBe('400 pending');
  });

  it('failing on a blocked table: names it and sends the admin to Field sync', async () => {
    const admin = createAdmin(ui.fixture.emulator.ctx);
    admin.addColumn('account', { logicalName: 'new_tier', type: 'String', maxLength: 20 });
    const s = await session();
    await saveFieldSelection(s.db, s.source, s.userId, { entity: 'account', add: ['new_tier'] });
    await cycle(); // reads accounts in full for the new column, and takes the 400 changes
    admin.removeColumn('account', 'new_tier');
    await cycle();
    await expectLine('failing', 'blocked_table', /Failing\s*account stopped syncing/, 'failing-blocked-table');
    await ui.page.goto(`${ui.url}/status`);
    expect(await ui.page.locator('#health-line a.health-link').getAttribute('href')).toBe('/fields');
  });

  it('failing on refused credentials: says so before the blocked table, and sends the admin to Connection', async () => {
    const { db, secretBox, emulator } = ui.fixture;
    await saveConnection(db, secretBox, {
      orgUrl: emulator.url,
      authKind: 'password',
      username: SYNC_USER.username,
      clientId: SYNC_USER.clientId,
      tenant: SYNC_USER.tenant,
      authority: emulator.url,
      secrets: { password: 'not-the-password' },
    });
    const said = await expectLine(
      'failing',
      'credentials',
      /Failing\s*Dynamics refused the sign-in/,
      'failing-credentials',
    );
    expect(said).toContain('Enter the sync user’s current password on the Connection page.');
    await ui.page.goto(`${ui.url}/status`);
    expect(await ui.page.locator('#health-line a.health-link').getAttribute('href')).toBe('/connection');
    expectNoPageErrors(ui);
  });
});
