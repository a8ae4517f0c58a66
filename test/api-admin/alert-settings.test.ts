/**
 * Alert settings from the UI (GET/PUT /api/alerts/settings): stored in the lead database with the
 * SMTP password and webhook secret sealed at rest, never sent back (only "set"), replaced or
 * cleared; the environment wins field by field (locked); a viewer cannot change them; every save
 * is audited without its secrets; "Send a test message" uses the stored settings. Through inject()
 * on PGlite, and on PostgreSQL when DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlertsEnv } from '../../src/config/alerts-env.js';
import { verifySignature } from '../../src/sync/alerts/channels.js';
import { currentAlerts } from '../../src/sync/alerts/settings.js';
import type { ApiDeps } from '../../src/api/deps.js';
import { startAlertReceivers, type AlertReceivers } from '../helpers/alert-receivers.js';
import type { TestDb } from '../helpers/db.js';
import { ORIGIN, sessionCookieOf, signedInClient, type AdminClient } from './client.js';
import { openEmptyDeps } from './fixture.js';

const PASSWORD = 'smtp-password-never-shown';
const SECRET = 'webhook-secret-of-32-characters!';

let deps: ApiDeps;
let db: TestDb;
let admin: AdminClient;
let receivers: AlertReceivers;

beforeAll(async () => {
  ({ deps, db } = await openEmptyDeps());
  admin = await signedInClient(deps);
  receivers = await startAlertReceivers();
});
afterAll(async () => {
  await admin?.app.close();
  await receivers?.close();
  await db?.dispose();
});

const put = (payload: object) => admin.send({ method: 'PUT', url: '/api/alerts/settings', payload });
const view = async () => (await admin.send({ url: '/api/alerts/settings' })).json();
const auditRows = async () =>
  (
    await db.query<{ actor: string; details: Record<string, unknown> }>(
      `SELECT actor, details FROM audit_log WHERE action = 'alerts.save' ORDER BY id`,
    )
  ).rows;

describe('alert settings from the UI', () => {
  it('start empty: nothing set, nothing locked, no channel', async () => {
    const v = await view();
    expect(v.fields.smtpHost).toEqual({ value: null, locked: false, variable: 'DYNASYNC_SMTP_HOST' });
    expect(v.secrets.smtpPassword).toEqual({ set: false, locked: false, variable: 'DYNASYNC_SMTP_PASSWORD' });
    expect(v.channels).toEqual({ email: null, webhook: null });
    const test = await admin.send({ method: 'POST', url: '/api/alerts/test' });
    expect(test.statusCode).toBe(409);
    expect(test.json().error.code).toBe('alerts_not_configured');
  });

  it('saves both channels with secrets sealed at rest and never sent back; one audit row without secrets', async () => {
    const res = await put({
      emailTo: 'ops@example.test, oncall@example.test',
      smtpHost: '127.0.0.1',
      smtpPort: receivers.smtpPort,
      smtpTls: 'none',
      smtpUser: 'mailer',
      smtpPassword: PASSWORD,
      smtpFrom: 'dynasync <alerts@example.test>',
      webhookUrl: receivers.webhookUrl,
      webhookSecret: SECRET,
      digestHour: 6,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain(PASSWORD);
    expect(res.body).not.toContain(SECRET);
    const v = res.json();
    expect(v.fields.emailTo.value).toEqual(['ops@example.test', 'oncall@example.test']);
    expect(v.fields.smtpPort.value).toBe(receivers.smtpPort);
    expect(v.secrets.smtpPassword.set).toBe(true);
    expect(v.secrets.webhookSecret.set).toBe(true);
    expect(v.channels.email).toMatchObject({ smtpHost: '127.0.0.1', tls: 'none' });
    expect(v.digestHourUtc).toBe(6);
    expect(v.updatedBy).toBe('admin');
    const stored = await db.query<Record<string, unknown>>('SELECT * FROM alert_settings');
    const rowText = JSON.stringify(stored.rows);
    expect(rowText).not.toContain(PASSWORD);
    expect(rowText).not.toContain(SECRET);
    expect(String(stored.rows[0]!.secrets)).toMatch(/^v1:/);
    const rows = await auditRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actor).toBe('admin');
    expect(rows[0]!.details).toMatchObject({ smtpPassword: 'replaced', webhookSecret: 'replaced' });
    expect(JSON.stringify(rows)).not.toContain(PASSWORD);
    expect(JSON.stringify(rows)).not.toContain(SECRET);
  });

  it('"Send a test message" reaches the stored SMTP server and webhook, signed with the stored secret', async () => {
    const res = await admin.send({ method: 'POST', url: '/api/alerts/test' });
    expect(res.json().results).toEqual([
      { channel: 'email', sent: true },
      { channel: 'webhook', sent: true },
    ]);
    expect(receivers.mails.at(-1)!.to).toEqual(['ops@example.test', 'oncall@example.test']);
    expect(receivers.mails.at(-1)!.raw).toContain('Subject: dynasync: test alert');
    expect(receivers.mails.at(-1)!.raw).toContain('From: dynasync <alerts@example.test>');
    const post = receivers.posts.at(-1)!;
    expect(verifySignature(SECRET, post.body, post.signature)).toBe(true);
  });

  it('keeps a secret left out, drops it when its destination changes, clears it on null', async () => {
    expect((await put({ digestHour: 7 })).json().secrets.smtpPassword.set).toBe(true);
    // Another SMTP server: the password entered for the old one is not sent there.
    const moved = (await put({ smtpHost: 'localhost' })).json();
    expect(moved.secrets.smtpPassword.set).toBe(false);
    expect(moved.secrets.webhookSecret.set).toBe(true);
    const fields = (await currentAlerts({ db, secretBox: deps.secretBox, env: undefined })).email!.smtp;
    expect(fields.password).toBeUndefined();
    // The webhook secret cleared: the webhook left without one is refused, and nothing changes.
    const refused = await put({ webhookSecret: null });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('alert_settings_incomplete');
    expect((await view()).secrets.webhookSecret.set).toBe(true);
    const cleared = await put({ webhookSecret: null, webhookUrl: null });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json().secrets.webhookSecret.set).toBe(false);
    expect(cleared.json().channels.webhook).toBeNull();
    expect((await auditRows()).map((r) => r.details)).toEqual([
      expect.anything(),
      { changed: ['digestHour'] },
      { changed: ['smtpHost'] },
      { changed: ['webhookUrl'], webhookSecret: 'cleared' },
    ]);
  });

  it('refuses malformed values with the field named, changing nothing', async () => {
    for (const [payload, field] of [
      [{ smtpPort: 70_000 }, 'smtpPort'],
      [{ webhookUrl: 'ftp://x.test' }, 'webhookUrl'],
      [{ webhookSecret: 'short' }, 'webhookSecret'],
      [{ emailTo: 'not an address' }, 'emailTo'],
      [{ digestHour: 24 }, 'digestHour'],
      [{ smtpPassword: '' }, 'smtpPassword'],
      [{ unknown: 1 }, 'unknown'],
    ] as const) {
      const r = await put(payload);
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(r.json().error.message).toContain(field);
    }
    expect(await auditRows()).toHaveLength(4);
  });
});

describe('the environment wins, field by field', () => {
  let envAdmin: AdminClient;
  beforeAll(async () => {
    const env = parseAlertsEnv({
      DYNASYNC_ALERT_WEBHOOK_URL: receivers.webhookUrl,
      DYNASYNC_ALERT_WEBHOOK_SECRET: SECRET,
      DYNASYNC_SMTP_PORT: String(receivers.smtpPort),
    });
    if (Array.isArray(env)) throw new Error(env.join('; '));
    envAdmin = await signedInClient({ ...deps, config: { ...deps.config, alerts: env } });
  });
  afterAll(async () => envAdmin?.app.close());

  it('shows the environment’s fields locked, refuses changing them, and merges the rest', async () => {
    const v = (await envAdmin.send({ url: '/api/alerts/settings' })).json();
    expect(v.fields.webhookUrl).toEqual({
      value: receivers.webhookUrl,
      locked: true,
      variable: 'DYNASYNC_ALERT_WEBHOOK_URL',
    });
    expect(v.secrets.webhookSecret).toMatchObject({ set: true, locked: true });
    expect(v.fields.smtpPort).toMatchObject({ value: receivers.smtpPort, locked: true });
    expect(v.fields.smtpHost).toMatchObject({ value: 'localhost', locked: false });
    const r = await envAdmin.send({
      method: 'PUT',
      url: '/api/alerts/settings',
      payload: { webhookUrl: 'https://elsewhere.example.test/hook' },
    });
    expect(r.statusCode).toBe(409);
    expect(r.json().error).toMatchObject({
      code: 'alert_setting_locked',
      message: expect.stringContaining('DYNASYNC_ALERT_WEBHOOK_URL'),
    });
    // The page's SMTP host with the environment's port: e-mail and the environment's webhook.
    const ok = await envAdmin.send({ method: 'PUT', url: '/api/alerts/settings', payload: { smtpHost: '127.0.0.1' } });
    expect(ok.statusCode).toBe(200);
    const before = receivers.posts.length;
    const sent = (await envAdmin.send({ method: 'POST', url: '/api/alerts/test' })).json();
    expect(sent.results).toEqual([
      { channel: 'email', sent: true },
      { channel: 'webhook', sent: true },
    ]);
    expect(receivers.posts.length).toBe(before + 1);
  });
});

describe('a viewer', () => {
  it('reads the settings but cannot change them or send a test (403 read_only_role)', async () => {
    const invite = await admin.send({
      method: 'POST',
      url: '/api/users/invite',
      payload: { email: 'viewer@example.test', role: 'viewer' },
    });
    const token = new URL(invite.json().link).searchParams.get('token')!;
    const accepted = await admin.app.inject({
      method: 'POST',
      url: '/api/invite/accept',
      payload: { token, password: 'viewer password 1' },
    });
    const headers = { cookie: sessionCookieOf(accepted), 'x-csrf-token': accepted.json().csrfToken, origin: ORIGIN };
    expect((await admin.app.inject({ url: '/api/alerts/settings', headers })).statusCode).toBe(200);
    const before = await db.query('SELECT * FROM alert_settings');
    for (const [method, url] of [
      ['PUT', '/api/alerts/settings'],
      ['POST', '/api/alerts/test'],
    ] as const) {
      const r = await admin.app.inject({ method, url, headers, payload: { smtpHost: 'evil.example.test' } });
      expect(r.statusCode, url).toBe(403);
      expect(r.json().error.code).toBe('read_only_role');
    }
    expect((await db.query('SELECT * FROM alert_settings')).rows).toEqual(before.rows);
  });
});
