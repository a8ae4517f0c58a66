/**
 * "Send a test message" from the status page: it reaches a local SMTP server (smtp-server) and a
 * local webhook receiver, whose HMAC signature is verified; the card says where alerts go.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { parseAlertsEnv } from '../../src/config/alerts-env.js';
import { SIGNATURE_HEADER, verifySignature } from '../../src/sync/alerts/channels.js';
import { ADMIN_PASSWORD } from '../api-admin/client.js';
import { openSyncedFixture, type SyncedFixture } from '../api-admin/fixture.js';
import { describeBrowser, launchChromium, toastText } from './harness.js';

const SECRET = 'a-shared-secret-of-32-characters';

describeBrowser('alerts card', () => {
  let fixture: SyncedFixture;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let smtp: SMTPServer;
  let hook: Server;
  const mails: string[] = [];
  const posts: { body: string; signature?: string }[] = [];

  beforeAll(async () => {
    fixture = await openSyncedFixture();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      onData(stream, _session, done) {
        let raw = '';
        stream.on('data', (d: Buffer) => (raw += d.toString('utf8')));
        stream.on('end', () => (mails.push(raw), done()));
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString('utf8')));
      req.on('end', () => {
        posts.push({ body, signature: req.headers[SIGNATURE_HEADER] as string | undefined });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const alerts = parseAlertsEnv({
      DYNASYNC_ALERT_EMAIL_TO: 'ops@example.test',
      DYNASYNC_SMTP_HOST: '127.0.0.1',
      DYNASYNC_SMTP_PORT: String((smtp.server.address() as AddressInfo).port),
      DYNASYNC_SMTP_TLS: 'none',
      DYNASYNC_ALERT_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
      DYNASYNC_ALERT_WEBHOOK_SECRET: SECRET,
    });
    if (Array.isArray(alerts)) throw new Error(alerts.join('; '));
    const deps = fixture.deps();
    server = await startServer({ ...deps, config: { ...deps.config, alerts } }, '127.0.0.1', 0);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.setDefaultTimeout(20_000);
    await page.goto(`${server.url}/login?next=%2Fstatus`);
    await page.locator('#login-form').waitFor();
    await page.fill('#password', ADMIN_PASSWORD);
    await page.click('form button[type=submit]');
    await page.waitForURL(`${server.url}/status`);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise<void>((resolve) => smtp?.close(resolve));
    await new Promise<void>((resolve) => hook?.close(() => resolve()));
    await fixture?.close();
  });

  it('says where alerts go and sends a test message to both channels', async () => {
    const channels = page.locator('#alert-channels');
    await channels.waitFor();
    expect(await channels.textContent()).toMatch(
      /e-mail to ops@example\.test \(via 127\.0\.0\.1\) and a signed webhook to 127\.0\.0\.1:\d+/,
    );
    await page.click('#send-test-alert');
    expect(await toastText(page)).toBe('Test message sent (email, webhook).');
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain('Subject: dynasync: test alert');
    expect(posts).toHaveLength(1);
    expect(JSON.parse(posts[0]!.body)).toMatchObject({ kind: 'test', subject: 'dynasync: test alert' });
    expect(verifySignature(SECRET, posts[0]!.body, posts[0]!.signature)).toBe(true);
  });
});
