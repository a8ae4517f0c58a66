/** Sync status page: per table counts, records in the last hour, countdown, chart, and sync now. */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { CYCLE_ORDER } from '../../src/domain/index.js';
import { describeBrowser, expectNoPageErrors, openUi, signIn, toastText, type Ui } from './harness.js';

describeBrowser('sync status page', () => {
  let ui: Ui;
  beforeAll(async () => {
    ui = await openUi({ runner: true });
    // The runner's own first cycle runs at start; the page is about what follows it.
    await vi.waitFor(() => expect(ui.runner!.nextCycleAt).not.toBeNull(), { timeout: 30_000, interval: 100 });
    await signIn(ui, '/status');
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('shows each table, records synced in the last hour, the countdown and a bar per cycle', async () => {
    const { page } = ui;
    await page.locator('#status-table').waitFor();
    const contacts = (
      await ui.fixture.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM persons WHERE dynamics_type = 'Contact'`)
    ).rows[0]!.n;
    const row = page.locator('#status-table tr[data-table="contact"]');
    await expect.poll(() => row.locator('td').nth(5).textContent()).toBe(contacts.toLocaleString('en-US'));
    expect(await row.locator('td.pending').textContent()).toBe('0');
    expect(await row.locator('td.last-hour').textContent()).toBe(contacts.toLocaleString('en-US'));
    // systemuser, account, contact, lead, opportunity, connection
    expect(await page.locator('#status-table tbody tr').count()).toBe(CYCLE_ORDER.length);
    const lastHour = Number((await page.locator('#records-last-hour').textContent())!.replace(/\D/g, ''));
    expect(lastHour).toBeGreaterThanOrEqual(contacts);
    await expect.poll(() => page.locator('#next-cycle').textContent()).toMatch(/^\d+:\d\d$/);
    expect(await page.locator('svg.chart rect.bar').count()).toBe(2); // the fixture's cycle and the runner's first
    expect(await page.locator('svg.chart rect.bar').first().getAttribute('data-records')).toBe(String(lastHour));
  });

  it('starts a cycle with Sync now: a new bar appears', async () => {
    const { page } = ui;
    const bars = page.locator('svg.chart rect.bar');
    const before = await bars.count();
    await page.click('#sync-now');
    expect(await toastText(page)).toContain('Sync requested');
    await expect
      .poll(
        async () => {
          await page.waitForTimeout(500);
          if ((await bars.count()) === before) await page.reload();
          return bars.count();
        },
        { timeout: 30_000 },
      )
      .toBe(before + 1);
    expectNoPageErrors(ui);
  });
});
