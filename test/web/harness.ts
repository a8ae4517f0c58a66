/**
 * Browser tests: Debian's Chromium driven by playwright-core, against a real server (startServer
 * on a free port) over a lead database filled by a real sync from the emulator.
 *
 * Without /usr/bin/chromium: in CI (CI set, as .ci/run does) every browser suite fails, saying
 * how to install it; elsewhere the suites are skipped with a loud warning, so `npm test` on a fresh
 * machine still passes while CI can never silently lose its browser coverage.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/api/server.js';
import type { SyncRunner } from '../../src/sync/runner.js';
import { ADMIN_PASSWORD } from '../api-admin/client.js';
import { openSyncedFixture, type SyncedFixture } from '../api-admin/fixture.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
const INSTALL = 'apt-get install -y --no-install-recommends chromium';

/** describe() for browser suites, with the missing-Chromium policy above. */
export function describeBrowser(title: string, body: () => void): void {
  if (hasChromium) {
    describe(title, body);
    return;
  }
  if (process.env.CI) {
    describe(title, () => {
      it('needs Chromium', () => {
        throw new Error(
          `Browser tests need Chromium at ${CHROMIUM} and CI is set: install it with \`${INSTALL}\` (.ci/run does).`,
        );
      });
    });
    return;
  }
  process.stderr.write(
    `\n!!! SKIPPED browser tests "${title}": no Chromium at ${CHROMIUM}. Install it (${INSTALL}) to run them; CI fails instead of skipping.\n\n`,
  );
  describe.skip(title, body);
}

export interface Ui {
  readonly url: string;
  readonly fixture: SyncedFixture;
  readonly runner: SyncRunner | null;
  readonly browser: Browser;
  readonly page: Page;
  /** Uncaught errors of the page's scripts (a test ends by expecting none). */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Emulator + synced lead database + server + browser page; `runner` adds a real SyncRunner waiting an hour. */
export async function openUi(opts: { corruptAccounts?: number; runner?: boolean } = {}): Promise<Ui> {
  const fixture = await openSyncedFixture({ corruptAccounts: opts.corruptAccounts ?? 0 });
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  try {
    const runner = opts.runner ? await fixture.startRunner(3600_000) : null;
    server = await startServer(fixture.deps(runner ? { runner } : {}), '127.0.0.1', 0);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const running = server;
    const open = browser;
    return {
      url: server.url,
      fixture,
      runner,
      browser,
      page,
      pageErrors,
      close: async () => {
        await open.close();
        await running.close();
        await fixture.close();
      },
    };
  } catch (err) {
    await browser?.close();
    await server?.close();
    await fixture.close();
    throw err;
  }
}

/** Through the sign-in page: sets the admin password on the first visit, signs in afterwards. */
export async function signIn(ui: Ui, next = '/status'): Promise<void> {
  const { page } = ui;
  await page.goto(`${ui.url}/login?next=${encodeURIComponent(next)}`);
  await page.locator('#setup-form, #login-form').waitFor();
  await page.fill('#password', ADMIN_PASSWORD);
  if (await page.locator('#setup-form').count()) await page.fill('#confirm', ADMIN_PASSWORD);
  await page.click('form button[type=submit]');
  await page.waitForURL(`${ui.url}${next}`);
}

/** The toast the page shows after an action. */
export async function toastText(page: Page): Promise<string> {
  const toast = page.locator('#toasts .toast').last();
  await toast.waitFor();
  return (await toast.textContent()) ?? '';
}

export function expectNoPageErrors(ui: Ui): void {
  expect(ui.pageErrors).toEqual([]);
}
