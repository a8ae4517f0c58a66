/**
 * Alerts through real channels: a local SMTP server (smtp-server) receives the e-mails and a local
 * HTTP server the webhook posts, whose HMAC signature is verified. The sync stopping (a refused
 * sign-in, as the runner saves it) alerts once per incident, also across a restart of the alerter
 * (its state is in the lead database); the recovery is alerted; the daily digest lists the records
 * that failed in the last 24 hours; channels entered on the settings page are used by a running
 * alerter at its next check. The receivers are shared with the other alert tests (test/helpers).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/index.js';
import { parseAlertsEnv, type AlertsConfig } from '../../src/config/alerts-env.js';
import { checkAlerts, digestWindowEnd, type AlerterDeps } from '../../src/sync/alerts/alerter.js';
import { alertChannels, verifySignature } from '../../src/sync/alerts/channels.js';
import { describeFailure, failed, HEALTHY, succeeded } from '../../src/sync/runner-health.js';
import { SignInFailedError } from '../../src/sync/sign-in.js';
import { saveSchedule } from '../../src/sync/state.js';
import { saveAlertSettings } from '../../src/store/alert-settings-repo.js';
import { currentAlerts } from '../../src/sync/alerts/settings.js';
import { openSyncedFixture, type SyncedFixture } from '../api-admin/fixture.js';
import { startAlertReceivers, type AlertReceivers } from '../helpers/alert-receivers.js';

const SECRET = 'a-shared-secret-of-32-characters';

let f: SyncedFixture;
let receivers: AlertReceivers;
let mails: AlertReceivers['mails'];
let posts: AlertReceivers['posts'];
let config: AlertsConfig;

beforeAll(async () => {
  f = await openSyncedFixture({ corruptAccounts: 2 });
  receivers = await startAlertReceivers();
  ({ mails, posts } = receivers);
  const parsed = parseAlertsEnv(
    receivers.env({ to: 'ops@example.test, oncall@example.test', secret: SECRET, digestHour: 8 }),
  );
  if (Array.isArray(parsed)) throw new Error(parsed.join('; '));
  config = parsed;
});
afterAll(async () => {
  await receivers?.close();
  await f?.close();
});

/** A new alerter each time, as after a restart: only the lead database remembers. */
const deps = (now: Date): AlerterDeps => ({
  db: f.db,
  channels: alertChannels(config),
  logger: silentLogger(),
  intervalMs: 300_000,
  digestHourUtc: config.digestHourUtc,
  now: () => now,
});

const lastPost = () => receivers.lastPost();

describe('alerts', () => {
  it('sends the daily digest of the last 24 hours’ failed records by e-mail and signed webhook, once', async () => {
    // The digest hour is the hour the fixture's errors happened in: the window that ends at it
    // does not hold them yet; the one that ends 24 hours later does.
    const errorsAt = (await f.db.query<{ t: Date }>('SELECT max(last_seen_at) AS t FROM sync_errors')).rows[0]!.t;
    const now = new Date(new Date(errorsAt).getTime() + 1);
    const hour = now.getUTCHours();
    const sent = await checkAlerts({ ...deps(now), digestHourUtc: hour });
    expect(sent).toEqual([]); // the errors are newer than the window's end: nothing failed in it
    const later = new Date(now.getTime() + 24 * 3600_000);
    // A day later the runner is still cycling (else "no successful cycle for three intervals" alerts too).
    await f.db.query(`UPDATE sync_runs SET ended_at = $1 WHERE status = 'success'`, [later]);
    expect(await checkAlerts({ ...deps(later), digestHourUtc: hour })).toEqual(['digest']);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['ops@example.test', 'oncall@example.test']);
    expect(mails[0]!.raw).toContain('Subject: dynasync: 2 records failed to sync in the last 24 hours');
    for (const id of f.corruptedAccounts) expect(mails[0]!.raw).toContain(id);
    expect(posts).toHaveLength(1);
    expect(verifySignature(SECRET, posts[0]!.body, posts[0]!.signature)).toBe(true);
    expect(verifySignature('another-secret-of-32-characters!', posts[0]!.body, posts[0]!.signature)).toBe(false);
    expect(lastPost()).toMatchObject({ kind: 'digest', total: 2 });
    expect((lastPost().records as { category: string }[]).map((r) => r.category)).toEqual(['schema', 'schema']);
    // The same window again (a restart, the next check): not sent twice.
    expect(await checkAlerts({ ...deps(later), digestHourUtc: hour })).toEqual([]);
  });

  it('alerts at once when the sign-in is refused, once per incident across restarts, and on recovery', async () => {
    const base = new Date(Date.now() + 26 * 3600_000); // after the digest test's windows
    const refused = failed(HEALTHY, describeFailure(new SignInFailedError('wrong_password', 'wrong password')));
    await saveSchedule(f.db, null, refused);
    const before = mails.length;
    expect(await checkAlerts(deps(base))).toContain('sync_stopped');
    expect(mails.at(-1)!.raw).toContain('Subject: dynasync: the sync stopped (credentials)');
    expect(mails.at(-1)!.raw).toContain('What to do: Enter the sync user’s current password on the Connection page.');
    expect(lastPost()).toMatchObject({ kind: 'sync_stopped', health: { state: 'failing', cause: 'credentials' } });
    expect(verifySignature(SECRET, posts.at(-1)!.body, posts.at(-1)!.signature)).toBe(true);
    // Later checks, by a new alerter (a restart): the incident was alerted already.
    expect(await checkAlerts(deps(new Date(base.getTime() + 60_000)))).toEqual([]);
    expect(mails.length).toBe(before + 1);
    await saveSchedule(f.db, null, succeeded(refused));
    await f.db.query(`UPDATE sync_runs SET ended_at = $1 WHERE status = 'success'`, [base]);
    expect(await checkAlerts(deps(new Date(base.getTime() + 120_000)))).toEqual(['sync_recovered']);
    expect(lastPost()).toMatchObject({ kind: 'sync_recovered', incident: { cause: 'credentials' } });
    expect(mails.at(-1)!.raw).toContain('Subject: dynasync: the sync works again');
  });

  it('reads the settings page’s channels at every check: a running alerter sends with them, no restart', async () => {
    const at = new Date(Date.now() + 30 * 3600_000);
    const running: AlerterDeps = {
      db: f.db,
      settings: () => currentAlerts({ db: f.db, secretBox: f.secretBox, env: undefined }),
      logger: silentLogger(),
      intervalMs: 300_000,
      now: () => at,
    };
    const refused = failed(HEALTHY, describeFailure(new SignInFailedError('wrong_password', 'wrong password')));
    await saveSchedule(f.db, null, refused);
    await f.db.query(`UPDATE sync_runs SET ended_at = $1 WHERE status = 'success'`, [at]);
    const before = posts.length;
    expect(await checkAlerts(running)).toEqual([]); // nothing configured yet: no channel
    await saveAlertSettings(
      f.db,
      f.secretBox,
      { webhookUrl: receivers.webhookUrl, webhookSecret: 'a-secret-entered-on-the-page' },
      { actor: 'admin' },
    );
    expect(await checkAlerts(running)).toContain('sync_stopped');
    expect(posts.length).toBe(before + 1);
    expect(lastPost()).toMatchObject({ kind: 'sync_stopped', health: { cause: 'credentials' } });
    expect(verifySignature('a-secret-entered-on-the-page', posts.at(-1)!.body, posts.at(-1)!.signature)).toBe(true);
    await saveSchedule(f.db, null, succeeded(refused));
  });

  it('puts the digest window at the configured UTC hour', () => {
    expect(digestWindowEnd(new Date('2026-12-04T09:30:00Z'), 8).toISOString()).toBe('2026-12-04T08:00:00.000Z');
    expect(digestWindowEnd(new Date('2026-12-04T07:30:00Z'), 8).toISOString()).toBe('2026-12-03T08:00:00.000Z');
  });

  it('refuses half a configuration with a clear message', () => {
    expect(parseAlertsEnv({ DYNASYNC_ALERT_EMAIL_TO: 'a@b.test' })).toEqual([
      'DYNASYNC_SMTP_HOST: is needed to send DYNASYNC_ALERT_EMAIL_TO',
    ]);
    expect(parseAlertsEnv({ DYNASYNC_ALERT_WEBHOOK_URL: 'https://hooks.example.test/x' })).toEqual([
      'DYNASYNC_ALERT_WEBHOOK_SECRET: is needed to sign what is posted to DYNASYNC_ALERT_WEBHOOK_URL',
    ]);
  });
});
