// Connection: the Dynamics credentials (secrets are write-only: the page only learns whether one
// is stored), then the validation checklist, each item passing or failing with a hint.
import { api } from '../lib/api.js';
import { alertBox, badge, formatDate, h, page, replace, toast } from '../lib/dom.js';
import { busy, run } from '../lib/shell.js';

function input(name, label, { value, type = 'text', placeholder, help, required, autocomplete = 'off' } = {}) {
  return h(
    'label',
    { class: 'field', for: name },
    h('span', {}, label),
    h('input', { id: name, name, type, value: value ?? '', placeholder, required, autocomplete, spellcheck: 'false' }),
    help ? h('small', { class: 'help' }, help) : null,
  );
}

function connectionForm(c) {
  const configured = c.configured;
  const mode = configured && c.authKind === 'client_credentials' ? 'client_credentials' : 'password';
  const radio = (value, label) =>
    h(
      'label',
      { class: 'radio' },
      h('input', { type: 'radio', name: 'authKind', value, checked: mode === value }),
      label,
    );
  const kept = (has) => (has ? 'stored; leave empty to keep it (same URL, tenant and authority)' : undefined);
  const f = h(
    'form',
    { class: 'card form-grid', id: 'connection-form', autocomplete: 'off' },
    h('h2', { class: 'span-2' }, 'Dynamics 365 connection'),
    input('orgUrl', 'Organization URL', {
      value: c.orgUrl,
      placeholder: 'https://contoso.crm.dynamics.com',
      required: true,
      help: 'The environment URL; pasted with /api/data/v9.2/ it is stored without that path. https only (http only for an emulator on this machine).',
    }),
    input('clientId', 'Client (application) ID', {
      value: c.clientId,
      required: true,
      help: 'From the Entra ID app registration.',
    }),
    h(
      'fieldset',
      { class: 'span-2 radios' },
      h('legend', {}, 'Sign in as'),
      radio('password', 'The dedicated sync user'),
      radio('client_credentials', 'An application user (client credentials)'),
    ),
    input('username', 'Sync user name', {
      value: c.username,
      placeholder: 'sync@contoso.com',
      help: 'Must equal the Dynamics user name.',
    }),
    input('password', 'Sync user password', {
      type: 'password',
      placeholder: kept(c.hasPassword),
      autocomplete: 'new-password',
    }),
    input('clientSecret', 'Client secret', {
      type: 'password',
      placeholder: kept(c.hasClientSecret) ?? 'only for confidential apps',
      autocomplete: 'new-password',
    }),
    input('tenant', 'Tenant', { value: c.tenant, placeholder: 'contoso.onmicrosoft.com or tenant id' }),
    input('authority', 'Token authority (optional)', {
      value: c.authority,
      placeholder: 'https://login.microsoftonline.com',
      help: 'Only for sovereign clouds or the emulator. Changing it, the URL or the tenant needs the password and secret again.',
    }),
    h(
      'div',
      { class: 'span-2 actions' },
      h('button', { type: 'submit', class: 'button primary', id: 'save-connection' }, 'Save connection'),
      configured ? h('span', { class: 'muted' }, `Saved ${formatDate(c.updatedAt)}`) : null,
    ),
  );
  const sync = () => {
    const client = f.querySelector('input[name=authKind]:checked').value === 'client_credentials';
    for (const id of ['username', 'password']) f.querySelector(`#${id}`).closest('.field').hidden = client;
  };
  f.addEventListener('change', sync);
  sync();
  const button = f.querySelector('#save-connection');
  f.addEventListener(
    'submit',
    busy(button, () => save(f)),
  );
  return f;
}

async function save(f, reset = false) {
  const v = (id) => f.querySelector(`#${id}`).value.trim();
  const client = f.querySelector('input[name=authKind]:checked').value === 'client_credentials';
  const body = {
    orgUrl: v('orgUrl'),
    clientId: v('clientId'),
    tenant: v('tenant'),
    authority: v('authority'),
    username: client ? '' : v('username'),
    password: client ? '' : f.querySelector('#password').value,
    clientSecret: f.querySelector('#clientSecret').value,
    ...(reset ? { reset: true } : {}),
  };
  try {
    const r = await api('/api/connection', { method: 'PUT', body });
    toast(
      r.reset
        ? 'Connection saved. The data synced from the previous organization was cleared.'
        : 'Connection saved. Run the validation next.',
      'ok',
    );
    await load();
  } catch (err) {
    if (
      err.code === 'connection_change_refused' &&
      confirm(`${err.message}\n\nClear the synced data and connect to the new organization?`)
    )
      return save(f, true);
    throw err;
  }
}

const ICONS = { pass: '✓', fail: '✗', skipped: '–' };

function checklist(report) {
  return h(
    'div',
    { id: 'checklist' },
    h(
      'div',
      { class: `alert ${report.ok ? 'ok' : 'error'}` },
      report.ok
        ? 'All checks passed: dynasync can sync with this connection.'
        : 'Some checks failed. Fix them using the hints, then validate again.',
    ),
    h(
      'ol',
      { class: 'checklist' },
      report.items.map((i) =>
        h(
          'li',
          { class: `check ${i.status}`, 'data-check': i.id, 'data-status': i.status },
          h('span', { class: 'check-icon', 'aria-hidden': 'true' }, ICONS[i.status]),
          h(
            'div',
            {},
            h(
              'div',
              { class: 'check-label' },
              i.label,
              ' ',
              badge(i.status, { pass: 'ok', fail: 'danger', skipped: 'neutral' }[i.status]),
            ),
            i.detail ? h('div', { class: 'check-detail' }, i.detail) : null,
            i.hint ? h('div', { class: 'check-hint' }, h('strong', {}, 'How to fix: '), i.hint) : null,
          ),
        ),
      ),
    ),
  );
}

async function load() {
  const c = await api('/api/connection');
  const result = h(
    'div',
    { id: 'validation-result' },
    h(
      'p',
      { class: 'muted' },
      'The validation signs in as the sync user and checks privileges, change tracking and the selected columns.',
    ),
  );
  const validate = h(
    'button',
    { type: 'button', class: 'button', id: 'validate', disabled: !c.configured },
    'Run validation',
  );
  validate.addEventListener(
    'click',
    busy(validate, async () => {
      replace(result, h('p', { class: 'muted' }, 'Validating…'));
      try {
        replace(result, checklist(await api('/api/connection/validate', { method: 'POST' })));
      } catch (err) {
        replace(result, alertBox(err.message));
      }
    }),
  );
  replace(
    page(),
    c.configured
      ? null
      : h('div', { class: 'alert info' }, 'No connection yet: enter the credentials of the Dynamics sync user.'),
    connectionForm(c),
    h('section', { class: 'card' }, h('div', { class: 'toolbar' }, h('h2', {}, 'Validation'), validate), result),
  );
}

run(load);
