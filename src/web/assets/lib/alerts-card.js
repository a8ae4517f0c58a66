// The status page's Alerts card: where alerts go (from the environment) and "Send a test message".
import { api } from './api.js';
import { h, toast } from './dom.js';
import { busy } from './shell.js';

export async function alertsCard() {
  const a = await api('/api/alerts');
  const where = [
    a.email ? `e-mail to ${a.email.to.join(', ')} (via ${a.email.smtpHost})` : null,
    a.webhook ? `a signed webhook to ${a.webhook.host}` : null,
  ].filter(Boolean);
  const test = h(
    'button',
    { type: 'button', class: 'button', id: 'send-test-alert', disabled: !where.length },
    'Send a test message',
  );
  test.addEventListener(
    'click',
    busy(test, async () => {
      const r = await api('/api/alerts/test', { method: 'POST' });
      const failed = r.results.filter((x) => !x.sent);
      if (failed.length) toast(failed.map((x) => `${x.channel}: ${x.error}`).join(' · '), 'error');
      else toast(`Test message sent (${r.results.map((x) => x.channel).join(', ')}).`, 'ok');
    }),
  );
  return h(
    'section',
    { class: 'card', id: 'alerts-card' },
    h('h2', {}, 'Alerts'),
    h(
      'p',
      { id: 'alert-channels' },
      where.length
        ? `The sync stopping, and a daily digest of failed records (at ${a.digestHourUtc}:00 UTC), go by ${where.join(' and ')}.`
        : 'No alerts are sent: set DYNASYNC_ALERT_EMAIL_TO and DYNASYNC_SMTP_HOST, or DYNASYNC_ALERT_WEBHOOK_URL and DYNASYNC_ALERT_WEBHOOK_SECRET.',
    ),
    h('div', { class: 'toolbar' }, test),
  );
}
