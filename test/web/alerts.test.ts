/**
 * Alerts in the browser. From the environment: the status page's card says where alerts go, and
 * "Send a test message" reaches a local SMTP server and a local webhook receiver (test/helpers),
 * whose HMAC signature is verified. From the UI: an admin enters the SMTP server and the webhook
 * on the Alert settings page, saves, and the test message sent from there arrives at both with the
 * stored settings; the secrets are only "set" afterwards, never shown. A screenshot of the page is
 * saved for a reviewer.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseAlertsEnv } from '../../src/config/alerts-env.js';
import { verifySignature } from '../../src/sync/alerts/channels.js';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { ADMIN_PASSWORD } from '../api-admin/client.js';
import { openSyncedFixture, type SyncedFixture } from '../api-admin/fixture.js';
import { startAlertReceivers, type AlertReceivers } from '../helpers/alert-receivers.js';
import { describeBrowser, launchChromium, toastText } from './harness.js';
import { screenshotPath } from './screenshots.js';
import type { Browser } from 'playwright-core';

const SECRET = 'a-shared-secret-of-32-characters';
const PAGE_SECRET = 'a-secret-typed-on-the-settings-page';
const PAGE_PASSWORD = 'smtp password typed in the browser';

async function signedInPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 1100 } });
  page.setDefaultTimeout(20_000);
  await page.goto(`${url}/login?next=%2Fstatus`);
  await page.locator('#login-form').waitFor();
  await page.fill('#password', ADMIN_PASSWORD);
  await page.click('form button[type=submit]');
  await page.waitForURL(`${url}/status`);
  return page;
}

describeBrowser('alerts', () => {
  let fixture: SyncedFixture;
  let envServer: RunningServer;
  let uiServer: RunningServer;
  let browser: Browser;
  let receivers: AlertReceivers;

  beforeAll(async () => {
    fixture = await openSyncedFixture();
    receivers = await startAlertReceivers();
    const alerts = parseAlertsEnv(receivers.env({ to: 'ops@example.test', secret: SECRET }));
    if (Array.isArray(alerts)) throw new Error(alerts.join('; '));
    const deps = fixture.deps();
    envServer = await startServer({ ...deps, config: { ...deps.config, alerts } }, '127.0.0.1', 0);
    uiServer = await startServer(deps, '127.0.0.1', 0);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await envServer?.close();
    await uiServer?.close();
    await receivers?.close();
    await fixture?.close();
  });

  it('from the environment: says where alerts go and sends a test message to both channels', async () => {
    const page = await signedInPage(browser, envServer.url);
    const channels = page.locator('#alert-channels');
    await channels.waitFor();
    expect(await channels.textContent()).toMatch(
      /e-mail to ops@example\.test \(via 127\.0\.0\.1\) and a signed webhook to 127\.0\.0\.1:\d+/,
    );
    await page.click('#send-test-alert');
    expect(await toastText(page)).toBe('Test message sent (email, webhook).');
    expect(receivers.mails).toHaveLength(1);
    expect(receivers.mails[0]!.raw).toContain('Subject: dynasync: test alert');
    expect(receivers.posts).toHaveLength(1);
    expect(receivers.lastPost()).toMatchObject({ kind: 'test', subject: 'dynasync: test alert' });
    expect(verifySignature(SECRET, receivers.posts[0]!.body, receivers.posts[0]!.signature)).toBe(true);
    await page.close();
  });

  it('from the UI: an admin saves SMTP and webhook settings, sends a test, both receive it', async () => {
    const page = await signedInPage(browser, uiServer.url);
    await page.locator('#alert-channels').waitFor();
    expect(await page.locator('#send-test-alert').isDisabled()).toBe(true);
    await page.click('#alert-settings-link');
    await page.waitForURL(`${uiServer.url}/alerts`);
    await page.locator('#alerts-form').waitFor();
    expect(await page.locator('[data-secret=smtpPassword] .badge').textContent()).toBe('not set');

    await page.fill('#emailTo', 'marketing-ops@example.test');
    await page.fill('#smtpHost', '127.0.0.1');
    await page.fill('#smtpPort', String(receivers.smtpPort));
    await page.selectOption('#smtpTls', 'none');
    await page.fill('#smtpFrom', 'dynasync <alerts@example.test>');
    await page.fill('#smtpUser', '');
    await page.fill('#smtpPassword', PAGE_PASSWORD);
    await page.fill('#webhookUrl', receivers.webhookUrl);
    await page.fill('#webhookSecret', PAGE_SECRET);
    await page.fill('#digestHour', '6');
    await page.click('#save-alerts');
    expect(await toastText(page)).toContain('Alert settings saved');
    await page.locator('[data-secret=webhookSecret] .badge', { hasText: /^set$/ }).waitFor();
    expect(await page.locator('[data-secret=smtpPassword] .badge').textContent()).toBe('set');
    // Write-only: the secrets are nowhere in the page.
    expect(await page.inputValue('#smtpPassword')).toBe('');
    expect(await page.content()).not.toContain(PAGE_SECRET);
    expect(await page.content()).not.toContain(PAGE_PASSWORD);
    expect(await page.locator('#page .alert.ok').first().textContent()).toMatch(
      /e-mail to marketing-ops@example\.test \(via 127\.0\.0\.1:\d+\) and a signed webhook to 127\.0\.0\.1:\d+; the digest covers the 24 hours up to 6:00 UTC/,
    );
    await page.screenshot({ path: screenshotPath('alert-settings'), fullPage: true });

    const mailsBefore = receivers.mails.length;
    const postsBefore = receivers.posts.length;
    await page.click('#send-test-alert');
    await page.locator('#toasts .toast', { hasText: 'Test message sent (email, webhook).' }).waitFor();
    expect(receivers.mails).toHaveLength(mailsBefore + 1);
    expect(receivers.mails.at(-1)!.to).toEqual(['marketing-ops@example.test']);
    expect(receivers.mails.at(-1)!.raw).toContain('From: dynasync <alerts@example.test>');
    expect(receivers.posts).toHaveLength(postsBefore + 1);
    expect(verifySignature(PAGE_SECRET, receivers.posts.at(-1)!.body, receivers.posts.at(-1)!.signature)).toBe(true);

    // Cleared from the page: the webhook goes (URL and secret), e-mail stays.
    await page.fill('#webhookUrl', '');
    await page.check('#webhookSecret-clear');
    await page.click('#save-alerts');
    await page.locator('[data-secret=webhookSecret] .badge', { hasText: 'not set' }).waitFor();
    const audit = await fixture.db.query<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_log WHERE action = 'alerts.save' ORDER BY id`,
    );
    expect(audit.rows.map((r) => r.details.webhookSecret)).toEqual(['replaced', 'cleared']);
    await page.close();
  });
});
