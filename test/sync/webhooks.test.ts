/**
 * Issue 12 §1 through the real parts: `dynasync webhook register|status|remove` against the
 * emulator, the receiver (forged keys refused and counted), notifications as triggers only
 * (a burst of 1,000 makes at most two reads; a lost one is caught by the scheduled cycle), and the
 * emulator's own deliveries reaching a server with a runner attached.
 */
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { silentLogger } from '../../src/config/logger.js';
import { buildServer, startServer } from '../../src/api/server.js';
import { saveConnection } from '../../src/store/connection-repo.js';
import { DEFAULT_APP_ID, DEFAULT_PASSWORD } from '../../src/emulator/index.js';
import type { CycleResult } from '../../src/sync/cycle.js';
import { pushHooks } from '../../src/sync/push-trigger.js';
import { SyncRunner } from '../../src/sync/runner.js';
import { loadWebhookKey, WEBHOOK_HEADER } from '../../src/sync/webhooks.js';
import { runCli } from './cli.js';
import { describeWorlds, emulatorIds, type World } from './world.js';

const config = loadConfig({ DYNASYNC_DATA_DIR: '/nonexistent-dynasync-test' });

const until = async (check: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

function runnerFor(w: World, intervalMs: number, cycles: CycleResult[]): SyncRunner {
  return new SyncRunner(
    { db: w.db, source: w.session.source, logger: silentLogger(), userId: w.userId },
    { intervalMs, onCycle: (r) => cycles.push(r), push: pushHooks(w.db) },
    silentLogger(),
  );
}

const status = async (w: World) =>
  JSON.parse((await runCli(w, ['webhook', 'status', '--json'])).out) as {
    on: boolean;
    refused: number;
    notifications: number;
    lastNotificationAt: string | null;
    lastChangeToVisibleMs: number | null;
    dynamics: { endpointFound: boolean; stepsFound: number } | null;
  };

const notification = (entity: string, id: string) => ({
  MessageName: 'Update',
  PrimaryEntityName: entity,
  PrimaryEntityId: id,
  OperationCreatedOn: `/Date(${Date.now()})/`,
});

describeWorlds('push: Dataverse webhooks as a trigger', ({ open }) => {
  it('registers one endpoint and 3 steps per synced table (18) through the Web API, shows them in status, and removes them', async () => {
    const w = await open({ seed: 2 });
    const reg = await runCli(w, ['webhook', 'register', '--url', 'https://sync.example.test']);
    expect(reg.exitCode).toBe(0);
    expect(reg.out).toMatch(/with 18 steps/);
    const [endpoint] = [...w.emu.webhooks.endpoints.values()];
    expect(endpoint).toMatchObject({ url: 'https://sync.example.test/hooks/dataverse', contract: 8, authtype: 5 });
    const key = await loadWebhookKey(w.db, w.box);
    expect(endpoint!.authvalue).toBe(`<settings><setting name="${WEBHOOK_HEADER}" value="${key}" /></settings>`);
    const steps = [...w.emu.webhooks.steps.values()];
    expect(
      steps.every((s) => s.stage === 40 && s.mode === 1 && s._eventhandler_value === endpoint!.serviceendpointid),
    ).toBe(true);
    // The key is stored sealed, never in clear.
    const raw = await w.db.query<{ value: unknown }>("SELECT value FROM settings WHERE key = 'push_webhook'");
    expect(JSON.stringify(raw.rows[0]!.value)).not.toContain(key!);
    expect(await status(w)).toMatchObject({ on: true, dynamics: { endpointFound: true, stepsFound: 18 } });

    await expect(runCli(w, ['webhook', 'register', '--url', 'https://x.test'])).rejects.toThrow(/already registered/);
    const removed = await runCli(w, ['webhook', 'remove']);
    expect(removed.out).toMatch(/push is off/);
    expect(w.emu.webhooks.endpoints.size + w.emu.webhooks.steps.size).toBe(0);
    expect(await status(w)).toMatchObject({ on: false });
  });

  it('explains the manual steps when the sync user may not register webhooks, and keeps the key', async () => {
    const w = await open({ seed: 2, users: [{ name: 'nohooks@contoso.test', denyWrite: ['serviceendpoint'] }] });
    await saveConnection(
      w.db,
      w.box,
      {
        orgUrl: w.emu.url,
        authKind: 'password',
        username: 'nohooks@contoso.test',
        clientId: DEFAULT_APP_ID,
        tenant: 'contoso',
        secrets: { password: DEFAULT_PASSWORD },
      },
      { reset: false },
    );
    const reg = await runCli(w, ['webhook', 'register', '--url', 'https://sync.example.test/hooks/dataverse']);
    expect(reg.exitCode).toBe(2);
    expect(reg.out).toContain('prvCreateServiceEndpoint');
    expect(reg.out).toContain('Plug-in Registration Tool');
    expect(reg.out).toContain(`${WEBHOOK_HEADER}, value ${(await loadWebhookKey(w.db, w.box))!}`);
    expect(w.emu.webhooks.endpoints.size).toBe(0);
    expect(await status(w)).toMatchObject({ on: true });
  });

  it('refuses and counts a forged or missing key, never acting on it; accepts the right key with 202', async () => {
    const w = await open({ seed: 2 });
    await runCli(w, ['webhook', 'register', '--url', 'https://sync.example.test']);
    const { app } = await buildServer({ config, logger: silentLogger(), db: w.db, secretBox: w.box });
    try {
      const id = emulatorIds(w, 'contact', 1)[0]!;
      const post = (headers: Record<string, string>) =>
        app.inject({ method: 'POST', url: '/hooks/dataverse', headers, payload: notification('contact', id) });
      expect((await post({ [WEBHOOK_HEADER]: 'forged' })).statusCode).toBe(401);
      expect((await post({})).statusCode).toBe(401);
      const ok = await post({ [WEBHOOK_HEADER]: (await loadWebhookKey(w.db, w.box))! });
      expect(ok.statusCode).toBe(202);
    } finally {
      await app.close(); // waits for the inbox to write what it received
    }
    const s = await status(w);
    expect(s).toMatchObject({ refused: 2, notifications: 1 });
    const pending = await w.db.query("SELECT 1 FROM push_state WHERE name = 'contact' AND pending_since IS NOT NULL");
    expect(pending.rows).toHaveLength(1);
    const metrics = await (
      await buildServer({ config, logger: silentLogger(), db: w.db, secretBox: w.box })
    ).app.inject('/metrics');
    expect(metrics.body).toMatch(/dynasync_push_notifications_total\{outcome="refused"\} 2/);
  });

  it('makes at most two reads of a table for a burst of 1,000 notifications', async () => {
    const w = await open({ seed: 2 });
    await runCli(w, ['webhook', 'register', '--url', 'https://sync.example.test']);
    const cycles: CycleResult[] = [];
    const runner = runnerFor(w, 3_600_000, cycles);
    const { app } = await buildServer({ config, logger: silentLogger(), db: w.db, secretBox: w.box, runner });
    const done = runner.start();
    try {
      await until(() => cycles.length === 1, 'the first cycle');
      const id = emulatorIds(w, 'contact', 1)[0]!;
      await w.rep.update('contacts', id, { jobtitle: 'Burst' });
      w.admin.resetRequestCounts();
      const key = (await loadWebhookKey(w.db, w.box))!;
      const answers = await Promise.all(
        Array.from({ length: 1000 }, () =>
          app.inject({
            method: 'POST',
            url: '/hooks/dataverse',
            headers: { [WEBHOOK_HEADER]: key },
            payload: notification('contact', id),
          }),
        ),
      );
      expect(answers.every((a) => a.statusCode === 202)).toBe(true);
      await until(
        async () => (await status(w)).notifications === 1000 && !(await pending(w)),
        'the notifications read',
      );
      await until(
        () => cycles.some((c) => c.tables.some((t) => t.entity === 'contact' && t.updated === 1)),
        'the read',
      );
      const pushed = cycles.slice(1);
      expect(pushed.length).toBeGreaterThanOrEqual(1);
      expect(pushed.length).toBeLessThanOrEqual(2);
      expect(pushed.every((c) => c.tables.map((t) => t.entity).join() === 'contact')).toBe(true);
      expect(w.admin.requestCount('contacts', 'GET')).toBeLessThanOrEqual(2);
      expect(w.admin.requestCount('accounts', 'GET')).toBe(0);
      const row = await w.db.query<{ title: string }>(
        "SELECT fields->>'title' AS title FROM persons WHERE dynamics_id = $1",
        [id],
      );
      expect(row.rows[0]!.title).toBe('Burst');
      expect((await status(w)).lastChangeToVisibleMs).not.toBeNull();
    } finally {
      await runner.stop();
      await done;
      await app.close();
    }
  });

  it('catches a change whose notification was lost with the scheduled cycle', async () => {
    const w = await open({ seed: 2, webhooks: { attempts: 1 } });
    // Dynamics notifies an address where nothing listens: every notification is lost.
    await runCli(w, ['webhook', 'register', '--url', 'http://127.0.0.1:9/hooks/dataverse']);
    const cycles: CycleResult[] = [];
    const runner = runnerFor(w, 1_500, cycles);
    const done = runner.start();
    try {
      await until(() => cycles.length === 1, 'the first cycle');
      const id = emulatorIds(w, 'contact', 1)[0]!;
      await w.rep.update('contacts', id, { jobtitle: 'Polled' });
      await w.emu.webhooks.queue.idle();
      expect(w.emu.webhooks.queue.attempts.at(-1)!.status).toBe(0);
      await until(
        () => cycles.some((c) => c.tables.some((t) => t.entity === 'contact' && t.updated === 1)),
        'the polled read',
      );
      expect((await status(w)).notifications).toBe(0);
    } finally {
      await runner.stop();
      await done;
    }
  });

  it('reads a change the emulator pushes to the server at once, the hour-long interval notwithstanding', async () => {
    const w = await open({ seed: 2 });
    const cycles: CycleResult[] = [];
    const runner = runnerFor(w, 3_600_000, cycles);
    const server = await startServer(
      { config, logger: silentLogger(), db: w.db, secretBox: w.box, runner },
      '127.0.0.1',
      0,
    );
    const done = runner.start();
    try {
      await runCli(w, ['webhook', 'register', '--url', `${server.url}/hooks/dataverse`]);
      await until(() => cycles.length === 1, 'the first cycle');
      const id = emulatorIds(w, 'account', 1)[0]!;
      await w.rep.update('accounts', id, { name: 'Pushed Ltd' });
      await until(
        async () =>
          (
            await w.db.query("SELECT 1 FROM companies WHERE dynamics_id = $1 AND fields->>'company' = 'Pushed Ltd'", [
              id,
            ])
          ).rows.length === 1,
        'the pushed read',
      );
      const runs = await w.db.query<{ trigger: string }>('SELECT trigger FROM sync_runs ORDER BY id');
      expect(runs.rows.map((r) => r.trigger)).toContain('push');
      // The pushed read did not move the scheduled cycle (still about an hour away).
      await until(() => runner.nextCycleAt !== null, 'the wait after the pushed read');
      expect(runner.nextCycleAt!.getTime() - Date.now()).toBeGreaterThan(3_000_000);
    } finally {
      await runner.stop();
      await done;
      await server.close();
    }
  });
});

const pending = async (w: World): Promise<boolean> =>
  (await w.db.query('SELECT 1 FROM push_state WHERE pending_since IS NOT NULL')).rows.length > 0;
