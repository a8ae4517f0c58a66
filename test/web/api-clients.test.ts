/**
 * API clients page: create a client (its secret shown once, and it gets a REST token with it),
 * its last use shown after that token, revoke it (the token stops working at once).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, expectNoPageErrors, openUi, signIn, type Ui } from './harness.js';

describeBrowser('API clients page', () => {
  let ui: Ui;
  beforeAll(async () => {
    ui = await openUi();
    await signIn(ui, '/api-clients');
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('creates a client with its secret shown once, shows its last use, and revokes it', async () => {
    const { page } = ui;
    await page.locator('#client-rows tr').first().waitFor();
    await page.fill('#client-name', 'crm scripts');
    await page.click('#create-client');
    const clientId = (await page.locator('#new-client-id').textContent())!;
    const secret = (await page.locator('#new-client-secret').textContent())!;
    expect(secret.length).toBeGreaterThan(20);
    const row = page.locator(`#client-rows tr[data-client="${clientId}"]`);
    expect(await row.locator('[data-field="lastUsed"]').textContent()).toBe('never');

    const tokenUrl = `${ui.url}/identity/oauth/token?grant_type=client_credentials&client_id=${clientId}&client_secret=${secret}`;
    const { access_token: token } = (await (await fetch(tokenUrl)).json()) as { access_token: string };
    const leads = async () =>
      (await (
        await fetch(`${ui.url}/rest/v1/leads.json?filterType=id&filterValues=1`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as { success: boolean; errors?: { code: string }[] };
    expect((await leads()).success).toBe(true);

    // Reloaded, the secret is gone for good and the last use shows.
    await page.reload();
    await row.waitFor();
    expect(await page.locator('#new-client-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    expect(await row.locator('[data-field="lastUsed"]').textContent()).toMatch(/s ago|min ago/);

    page.once('dialog', (d) => void d.accept());
    await row.locator('button[data-revoke]').click();
    await expect.poll(() => row.textContent()).toContain('revoked');
    expect(await row.locator('button[data-revoke]').count()).toBe(0);
    // The REST API remembers a valid token for at most a second (TokenCache): refused within it.
    await expect.poll(async () => (await leads()).errors?.[0]?.code, { timeout: 5_000 }).toBe('601');
    expectNoPageErrors(ui);
  });
});
