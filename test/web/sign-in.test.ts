/**
 * Sign-in page in a real browser: the first-run password set with the setup code, sign-in,
 * sign-out, the redirect after sign-in kept on this site, and cross-site requests refused.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer } from '../../src/api/server.js';
import { ADMIN_PASSWORD } from '../api-admin/client.js';
import { openSyncedFixture } from '../api-admin/fixture.js';
import { describeBrowser, expectNoPageErrors, launchChromium, type Ui } from './harness.js';

/** Like openUi, but a first run: no DYNASYNC_ADMIN_PASSWORD, so the server arms its setup code. */
async function openFirstRunUi(): Promise<Ui & { setupCode: string }> {
  const fixture = await openSyncedFixture();
  const server = await startServer(fixture.deps({ firstRun: true }), '127.0.0.1', 0);
  const browser = await launchChromium();
  const page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
  page.setDefaultTimeout(20_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return {
    url: server.url,
    fixture,
    runner: null,
    browser,
    page,
    pageErrors,
    setupCode: server.setupCode!,
    close: async () => {
      await browser.close();
      await server.close();
      await fixture.close();
    },
  };
}

describeBrowser('sign-in page', () => {
  let ui: Ui & { setupCode: string };
  beforeAll(async () => {
    ui = await openFirstRunUi();
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('sends a first visitor to set the admin password with the setup code, then into the page asked for', async () => {
    const { page } = ui;
    expect(ui.setupCode).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    await page.goto(`${ui.url}/people`);
    await page.waitForURL(`${ui.url}/login?next=%2Fpeople`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Set the admin password');
    await page.fill('#password', ADMIN_PASSWORD);
    await page.fill('#confirm', 'something else');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('.alert.error').textContent()).toBe('The two passwords differ.');
    await page.fill('#confirm', ADMIN_PASSWORD);
    await page.click('button[type=submit]');
    await expect
      .poll(() => page.locator('.alert.error').textContent())
      .toBe('Enter the setup code from the server console.');
    await page.fill('#setup-code', 'AAAA-BBBB-CCCC-DDDD');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('.alert.error').textContent()).toMatch(/^Wrong setup code/);
    await page.fill('#setup-code', ui.setupCode.toLowerCase());
    await page.click('button[type=submit]');
    await page.waitForURL(`${ui.url}/people`);
    await page.locator('#people-rows tr').first().waitFor();
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'dynasync_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it('signs out, refuses a wrong password, and signs in with the right one', async () => {
    const { page } = ui;
    await page.goto(`${ui.url}/status`);
    await page.click('#sign-out');
    await page.waitForURL(`${ui.url}/login`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in');
    await page.goto(`${ui.url}/companies`);
    await page.waitForURL(/\/login\?next=%2Fcompanies$/);
    await page.locator('#login-form').waitFor();
    await page.fill('#password', 'not the password');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('.alert.error').textContent()).toBe('Wrong password');
    await page.fill('#password', ADMIN_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${ui.url}/companies`);
    expectNoPageErrors(ui);
  });

  it('after sign-in, follows only a path of this site: tab, newline or return tricks go to the status page', async () => {
    const { page } = ui;
    for (const trick of ['%09', '%0a', '%0d', '%5C']) {
      await page.goto(`${ui.url}/login?next=/${trick}/evil.example/x`);
      await page.waitForURL(`${ui.url}/status`);
    }
    await page.goto(`${ui.url}/login?next=${encodeURIComponent('/people?q=a#top')}`);
    await page.waitForURL(`${ui.url}/people?q=a#top`);
  });

  it('refuses a state change without the CSRF token, even from the page itself', async () => {
    const { page } = ui;
    await page.goto(`${ui.url}/status`);
    const answer = await page.evaluate(async () => {
      const res = await fetch('/api/sync-now', { method: 'POST' });
      return { status: res.status, body: await res.json() };
    });
    expect(answer).toEqual({
      status: 403,
      body: { error: { code: 'csrf_token_invalid', message: expect.any(String) } },
    });
  });

  it('refuses a form posted to the API from another origin', async () => {
    const target = `${ui.url}/api/logout`;
    const evil: Server = createHttpServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<form id="f" method="POST" action="${target}"><input name="x" value="1"></form>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      const { page } = ui;
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      await Promise.all([
        page.waitForURL(target),
        page.locator('#f').evaluate((form) => (form as unknown as { submit(): void }).submit()),
      ]);
      expect(JSON.parse((await page.locator('body').textContent()) ?? '{}').error.code).toBe('cross_site_request');
      // Still signed in: the forged sign-out did nothing.
      await page.goto(`${ui.url}/status`);
      await page.waitForURL(`${ui.url}/status`);
    } finally {
      await new Promise((resolve) => evil.close(resolve));
    }
  });
});
