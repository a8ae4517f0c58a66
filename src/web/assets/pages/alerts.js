// Alert settings: where the "sync stopped" alerts and the daily digest go — e-mail over SMTP and a
// signed webhook — and the digest hour. A field set in the environment is locked here (the
// environment wins). The SMTP password and the webhook secret are write-only: the page only learns
// whether one is set, and can replace or clear it.
import { api } from '../lib/api.js';
import { testAlertButton } from '../lib/alerts-card.js';
import { alertBox, badge, formatDate, h, page, replace, toast } from '../lib/dom.js';
import { busy, run } from '../lib/shell.js';

const PLAIN = [
  ['emailTo', 'Recipients', { placeholder: 'ops@example.com, oncall@example.com', help: 'Separated by commas.' }],
  ['smtpHost', 'SMTP server', { placeholder: 'smtp.example.com' }],
  ['smtpPort', 'SMTP port', { type: 'number', placeholder: '587 (465 with TLS from the start)' }],
  ['smtpTls', 'Security', {}],
  ['smtpUser', 'SMTP user name', { placeholder: 'none: no sign-in' }],
  ['smtpFrom', 'Sender', { placeholder: 'dynasync <dynasync@smtp server>' }],
  ['webhookUrl', 'Webhook URL', { placeholder: 'https://hooks.example.com/dynasync', span: true }],
  ['digestHour', 'Digest hour (UTC)', { type: 'number', placeholder: '8' }],
];
const TLS = [
  ['starttls', 'STARTTLS (required)'],
  ['implicit', 'TLS from the start'],
  ['none', 'None (a relay on this machine only)'],
];

const lockedHelp = (f) => `Set by ${f.variable} in the environment, which wins over this page.`;

function plainInput(name, label, opts, f) {
  const value = Array.isArray(f.value) ? f.value.join(', ') : (f.value ?? '');
  const control =
    name === 'smtpTls'
      ? h(
          'select',
          { id: name, name, disabled: f.locked },
          h('option', { value: '', selected: !value }, 'Default (STARTTLS)'),
          ...TLS.map(([v, text]) => h('option', { value: v, selected: value === v }, text)),
        )
      : h('input', {
          id: name,
          name,
          type: opts.type ?? 'text',
          value: String(value),
          placeholder: opts.placeholder,
          disabled: f.locked,
          autocomplete: 'off',
          spellcheck: 'false',
        });
  const help = f.locked ? lockedHelp(f) : opts.help;
  return h(
    'label',
    { class: `field${opts.span ? ' span-2' : ''}`, for: name, 'data-setting': name },
    h('span', {}, label, f.locked ? ' ' : null, f.locked ? badge('from the environment', 'info') : null),
    control,
    help ? h('small', { class: 'help' }, help) : null,
  );
}

function secretInput(name, label, s) {
  const input = h('input', {
    id: name,
    name,
    type: 'password',
    autocomplete: 'new-password',
    disabled: s.locked,
    placeholder: s.set ? 'set; leave empty to keep it' : 'not set',
  });
  const clear = h('input', { type: 'checkbox', id: `${name}-clear`, disabled: s.locked || !s.set });
  return h(
    'label',
    { class: 'field', for: name, 'data-secret': name },
    h('span', {}, label, ' ', badge(s.set ? 'set' : 'not set', s.set ? 'ok' : 'neutral')),
    input,
    s.locked
      ? h('small', { class: 'help' }, lockedHelp(s))
      : h('span', { class: 'check-label' }, clear, h('label', { for: `${name}-clear` }, 'Clear it')),
  );
}

/** Only what this page may change: unlocked fields, secrets only when typed or cleared. */
function changeOf(form, view) {
  const body = {};
  for (const [name] of PLAIN) {
    if (view.fields[name].locked) continue;
    const raw = form.elements[name].value.trim();
    const number = name === 'smtpPort' || name === 'digestHour';
    body[name] = raw === '' ? null : number ? Number(raw) : raw;
  }
  for (const name of ['smtpPassword', 'webhookSecret']) {
    if (view.secrets[name].locked) continue;
    const value = form.elements[name].value;
    if (value) body[name] = value;
    else if (document.getElementById(`${name}-clear`).checked) body[name] = null;
  }
  return body;
}

function where(view) {
  const c = view.channels;
  const parts = [
    c.email ? `e-mail to ${c.email.to.join(', ')} (via ${c.email.smtpHost}:${c.email.port})` : null,
    c.webhook ? `a signed webhook to ${c.webhook.host}` : null,
  ].filter(Boolean);
  return parts.length
    ? `Alerts go by ${parts.join(' and ')}; the digest covers the 24 hours up to ${view.digestHourUtc}:00 UTC.`
    : 'No alerts are sent yet: enter recipients and an SMTP server, or a webhook URL and its secret.';
}

async function render() {
  const view = await api('/api/alerts/settings');
  const byName = Object.fromEntries(PLAIN.map(([n, l, o]) => [n, [l, o]]));
  const plain = (name) => plainInput(name, byName[name][0], byName[name][1], view.fields[name]);
  const save = h('button', { type: 'submit', class: 'button primary', id: 'save-alerts' }, 'Save alert settings');
  const form = h(
    'form',
    { class: 'card form-grid', id: 'alerts-form', autocomplete: 'off', 'data-mutates': '' },
    h('h2', { class: 'span-2' }, 'E-mail'),
    h('div', { class: 'span-2' }, plain('emailTo')),
    plain('smtpHost'),
    plain('smtpPort'),
    plain('smtpTls'),
    plain('smtpFrom'),
    plain('smtpUser'),
    secretInput('smtpPassword', 'SMTP password', view.secrets.smtpPassword),
    h('h2', { class: 'span-2' }, 'Webhook'),
    plain('webhookUrl'),
    secretInput('webhookSecret', 'Shared secret (16 characters or more)', view.secrets.webhookSecret),
    h('div', {}),
    h('h2', { class: 'span-2' }, 'Daily digest'),
    plain('digestHour'),
    h('div', { class: 'span-2 actions' }, save, testAlertButton(true)),
  );
  form.addEventListener(
    'submit',
    busy(save, async () => {
      await api('/api/alerts/settings', { method: 'PUT', body: changeOf(form, view) });
      toast('Alert settings saved: a running sync uses them at its next check.', 'ok');
      await render();
    }),
  );
  const saved = view.updatedAt ? `Last saved by ${view.updatedBy} on ${formatDate(view.updatedAt)}.` : null;
  replace(
    page(),
    alertBox(where(view), view.channels.email || view.channels.webhook ? 'ok' : 'info'),
    ...view.problems.map((p) => alertBox(p, 'error')),
    form,
    alertBox(
      'Secrets are stored encrypted and never shown again. A variable set in the environment wins over this page, field by field. ' +
        (saved ?? ''),
      'info',
    ),
  );
}

run(render);
