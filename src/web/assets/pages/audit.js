// The audit log: who changed the connection, the field selection, a company field, an API client
// or a user, newest first, paged, exported as CSV.
import { api, query } from '../lib/api.js';
import { emptyRow, formatDate, h, page, replace, table } from '../lib/dom.js';
import { positionText } from '../lib/list.js';
import { busy, run } from '../lib/shell.js';

const ACTIONS = {
  'connection.save': 'Connection saved',
  'fields.save': 'Field selection saved',
  'company_field.set': 'Company field changed',
  'api_client.create': 'API client created',
  'api_client.revoke': 'API client revoked',
  'user.invite': 'User invited',
  'user.accept': 'Invite accepted',
  'user.remove': 'User removed',
};

const details = (d) =>
  Object.entries(d ?? {})
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');

function row(e) {
  return h(
    'tr',
    { 'data-action': e.action },
    h('td', {}, formatDate(e.at)),
    h('td', { 'data-field': 'actor' }, e.actor),
    h('td', { 'data-field': 'action' }, ACTIONS[e.action] ?? e.action),
    h('td', { 'data-field': 'target' }, e.target),
    h('td', { class: 'muted' }, details(e.details)),
  );
}

async function render() {
  let cursor = null;
  let last = null;
  const body = h('tbody', { id: 'audit-rows' });
  const position = h('span', { class: 'position', id: 'audit-position' });
  const prev = h('button', { type: 'button', class: 'button', id: 'audit-prev' }, '‹ Newer');
  const next = h('button', { type: 'button', class: 'button', id: 'audit-next' }, 'Older ›');
  const csv = h('a', { class: 'button ghost', id: 'audit-csv', href: '/api/audit.csv', download: '' }, 'Export CSV');
  const load = async () => {
    const r = await api(`/api/audit${query({ cursor, limit: 50 })}`);
    last = r;
    body.replaceChildren(...r.items.map(row));
    if (!r.items.length) body.append(emptyRow(5, 'Nothing changed yet.'));
    position.textContent = positionText(r);
    prev.disabled = !r.prevCursor;
    next.disabled = !r.nextCursor;
  };
  prev.addEventListener(
    'click',
    busy(prev, () => ((cursor = last?.prevCursor ?? null), load())),
  );
  next.addEventListener(
    'click',
    busy(next, () => ((cursor = last?.nextCursor ?? null), load())),
  );
  const t = table(['When', 'Who', 'What', 'On', 'Details'], [], { id: 'audit-table' });
  t.querySelector('tbody').replaceWith(body);
  replace(page(), h('div', { class: 'pager' }, position, prev, next, csv), h('div', { class: 'card flush' }, t));
  await load();
}

run(render);
