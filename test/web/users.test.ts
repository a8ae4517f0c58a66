/**
 * Named users in the browser: an admin invites a viewer from the Users page, the viewer accepts
 * the one-time link in their own browser, sees every page without one control that changes
 * something, and the API refuses their changes anyway (403); the audit log shows who did what.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, expectNoPageErrors, openUi, signIn, type Ui } from './harness.js';

describeBrowser('users, roles and the audit log', () => {
  let ui: Ui;
  let viewer: Page;
  let link: string;
  beforeAll(async () => {
    ui = await openUi();
    await signIn(ui, '/users');
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('an admin invites a viewer and makes an audited change', async () => {
    const { page } = ui;
    await page.locator('#user-rows tr[data-user="admin"]').waitFor();
    await page.fill('#invite-email', 'viewer@example.com');
    await page.selectOption('#invite-role', 'viewer');
    await page.click('#invite-user');
    link = (await page.locator('#invite-link').textContent())!;
    expect(link).toMatch(/\/invite\?token=[A-Za-z0-9_-]{43}$/);
    const row = page.locator('#user-rows tr[data-user="viewer@example.com"]');
    expect(await row.locator('[data-field="status"]').textContent()).toContain('invited');

    await page.goto(`${ui.url}/api-clients`);
    await page.fill('#client-name', 'audited client');
    await page.click('#create-client');
    await page.locator('#new-client-secret').waitFor();
  });

  it('the viewer accepts the link once, and sees no control that changes anything', async () => {
    const context = await ui.browser.newContext({ viewport: { width: 1360, height: 900 } });
    viewer = await context.newPage();
    viewer.setDefaultTimeout(20_000);
    const errors: string[] = [];
    viewer.on('pageerror', (e) => errors.push(e.message));
    await viewer.goto(link);
    await viewer.fill('#password', 'viewer password 1');
    await viewer.fill('#confirm', 'viewer password 1');
    await viewer.click('#invite-form button[type=submit]');
    await viewer.waitForURL(`${ui.url}/status`);
    await expect.poll(() => viewer.locator('#whoami').textContent()).toBe('viewer@example.com · viewer');

    const hidden = async (path: string, selectors: string[], ready: string) => {
      await viewer.goto(`${ui.url}${path}`);
      await viewer.locator(ready).first().waitFor({ state: 'attached' });
      await viewer.locator('#whoami').waitFor();
      for (const s of selectors) expect(await viewer.locator(s).first().isVisible(), `${path} ${s}`).toBe(false);
    };
    await hidden('/api-clients', ['#create-client-form', 'button[data-revoke]'], '#client-rows tr[data-client]');
    await hidden('/users', ['#invite-form', 'button[data-remove]'], '#user-rows tr[data-user]');
    await hidden('/connection', ['#save-connection', '#validate'], '#save-connection');
    await hidden('/fields', ['#save-fields', '#select-defaults'], '#field-search');
    const person = (
      await ui.fixture.db.query<{ id: number }>(
        `SELECT min(id)::int AS id FROM persons WHERE dynamics_type = 'Contact'`,
      )
    ).rows[0]!.id;
    await hidden(`/people/${person}`, ['form[data-company-field] button', '#push-person'], 'form[data-company-field]');
    // What the viewer may do still works: reading, filtering, exporting.
    await viewer.goto(`${ui.url}/people`);
    await expect.poll(() => viewer.locator('#people-position').textContent()).toMatch(/^1–50 of /);

    // A second use of the link is refused.
    const again = await ui.browser.newPage();
    await again.goto(link);
    await again.fill('#password', 'someone else 1');
    await again.fill('#confirm', 'someone else 1');
    await again.click('#invite-form button[type=submit]');
    await expect.poll(() => again.locator('.form-message .alert').textContent()).toContain('already used or expired');
    await again.close();
    expect(errors).toEqual([]);
  });

  it('the API refuses the viewer every change, whatever the page shows', async () => {
    const answers = await viewer.evaluate(async () => {
      const s = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      const send = async (method: string, url: string, body?: unknown) => {
        const r = await fetch(url, {
          method,
          headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return [r.status, ((await r.json()) as { error?: { code: string } }).error?.code];
      };
      return [
        await send('POST', '/api/api-clients', { name: 'sneaky' }),
        await send('PUT', '/api/people/1/company-field', { field: 'billingCity', value: 'Nowhere' }),
        await send('POST', '/api/users/invite', { email: 'x@example.com', role: 'admin' }),
        await send('POST', '/api/sync-now'),
      ];
    });
    expect(answers).toEqual(Array(4).fill([403, 'read_only_role']));
  });

  it('the audit log shows who changed what, and exports it', async () => {
    const { page } = ui;
    await page.goto(`${ui.url}/audit`);
    const rows = page.locator('#audit-rows tr[data-action]');
    await rows.first().waitFor();
    const seen = await rows.evaluateAll((trs) =>
      trs.map((tr) => ['actor', 'action', 'target'].map((f) => tr.querySelector(`[data-field="${f}"]`)?.textContent)),
    );
    expect(seen).toEqual([
      ['viewer@example.com', 'Invite accepted', 'viewer@example.com'],
      ['admin', 'API client created', 'audited client'],
      ['admin', 'User invited', 'viewer@example.com'],
    ]);
    expect(await page.locator('#audit-position').textContent()).toBe('1–3 of 3');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#audit-csv')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.trim().split('\r\n')).toHaveLength(4);
    expect(csv).toContain('"api_client.create"');
    expectNoPageErrors(ui);
  });
});
