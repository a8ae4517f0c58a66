// The status page's Alerts card: where alerts go (the environment and the Alert settings page),
// "Send a test message", and a link to the settings.
import { api } from './api.js';
import { h, toast } from './dom.js';
import { busy } from './shell.js';

/** "Send a test message", through the channels in force (the stored settings and the environment). */
export function testAlertButton(enabled) {
  const test = h(
    'button',
    { type: 'button', class: 'button', id: 'send-test-alert', disabled: !enabled },
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
  return test;
}

export async function alertsCard() {
  const a = await api('/api/alerts');
  const where = [
    a.email ? `e-mail to ${a.email.to.join(', ')} (via ${a.email.smtpHost})` : null,
    a.webhook ? `a signed webhook to ${a.webhook.host}` : null,
  ].filter(Boolean);
  return h(
    'section',
    { class: 'card', id: 'alerts-card' },
    h('h2', {}, 'Alerts'),
    h(
      'p',
      { id: 'alert-channels' },
      where.length
        ? `The sync stopping, and a daily digest of failed records (at ${a.digestHourUtc}:00 UTC), go by ${where.join(' and ')}.`
        : 'No alerts are sent: enter an SMTP server and recipients, or a webhook, in the alert settings.',
    ),
    h(
      'div',
      { class: 'toolbar' },
      testAlertButton(where.length > 0),
      h('a', { class: 'button ghost', href: '/alerts', id: 'alert-settings-link' }, 'Alert settings'),
    ),
  );
}
