// API clients of the REST API: create one (its secret is shown here once and never again), see
// when each last got a token, revoke one (its tokens stop working at once).
import { api } from '../lib/api.js';
import { alertBox, badge, emptyRow, formatDate, h, page, relative, replace, table, toast } from '../lib/dom.js';
import { busy, run } from '../lib/shell.js';

function row(c, reload) {
  const revoke = c.revokedAt
    ? null
    : h('button', { type: 'button', class: 'button small', 'data-revoke': c.clientId, 'data-mutates': '' }, 'Revoke');
  revoke?.addEventListener(
    'click',
    busy(revoke, async () => {
      if (!confirm(`Revoke '${c.name}'? Its tokens stop working at once.`)) return;
      await api(`/api/api-clients/${encodeURIComponent(c.clientId)}/revoke`, { method: 'POST' });
      toast(`API client '${c.name}' revoked`, 'success');
      await reload();
    }),
  );
  return h(
    'tr',
    { 'data-client': c.clientId },
    h('td', { class: 'strong' }, c.name),
    h('td', {}, h('code', {}, c.clientId)),
    h('td', { title: formatDate(c.createdAt) }, relative(c.createdAt)),
    h(
      'td',
      { 'data-field': 'lastUsed', title: formatDate(c.lastUsedAt) },
      c.lastUsedAt ? relative(c.lastUsedAt) : 'never',
    ),
    h('td', {}, c.revokedAt ? badge(`revoked ${relative(c.revokedAt)}`, 'danger') : badge('active', 'ok')),
    h('td', {}, revoke),
  );
}

function secretBox(r) {
  return h(
    'div',
    { class: 'alert ok', id: 'new-secret', role: 'status' },
    h(
      'p',
      {},
      `API client '${r.client.name}' created. Copy the secret now: it is not stored and will not be shown again.`,
    ),
    h('p', {}, 'Client id: ', h('code', { class: 'secret', id: 'new-client-id' }, r.client.clientId)),
    h('p', {}, 'Client secret: ', h('code', { class: 'secret', id: 'new-client-secret' }, r.clientSecret)),
  );
}

async function render() {
  const body = h('tbody', { id: 'client-rows' });
  const notice = h('div', { id: 'secret-slot' });
  const reload = async () => {
    const { items } = await api('/api/api-clients');
    body.replaceChildren(...items.map((c) => row(c, reload)));
    if (!items.length) body.append(emptyRow(6, 'No API clients yet.'));
  };
  const name = h('input', {
    type: 'text',
    id: 'client-name',
    placeholder: 'Name, e.g. crm scripts',
    'aria-label': 'New client name',
    required: true,
  });
  const create = h('button', { type: 'submit', class: 'button primary', id: 'create-client' }, 'Create client');
  const form = h('form', { class: 'toolbar', id: 'create-client-form', 'data-mutates': '' }, name, create);
  form.addEventListener(
    'submit',
    busy(create, async () => {
      const r = await api('/api/api-clients', { method: 'POST', body: { name: name.value } });
      name.value = '';
      replace(notice, secretBox(r));
      await reload();
    }),
  );
  const t = table(['Name', 'Client id', 'Created', 'Last token', 'Status', ''], [], { id: 'clients-table' });
  t.querySelector('tbody').replaceWith(body);
  replace(
    page(),
    form,
    notice,
    h('div', { class: 'card flush' }, t),
    alertBox('Clients call /identity/oauth/token with their id and secret, then /rest/v1 with the token.', 'info'),
  );
  await reload();
}

run(render);
