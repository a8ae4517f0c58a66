// Sync errors: the open ones grouped by kind (error-groups.js), then every error (open and past),
// searchable, exportable as CSV with the same filter.
import { api, query } from '../lib/api.js';
import { renderGroups } from './error-groups.js';
import { badge, display, emptyRow, formatDate, formatNumber, h, page, replace, table } from '../lib/dom.js';
import { busy, run } from '../lib/shell.js';

const params = new URLSearchParams(location.search);
const filter = { q: params.get('q') ?? '', entity: params.get('entity') ?? '' };
let cursor = null;

function row(e) {
  return h(
    'tr',
    { 'data-error': e.id },
    h('td', { class: 'nowrap' }, formatDate(e.occurredAt)),
    h('td', {}, e.entity),
    h(
      'td',
      {},
      e.personId ? h('a', { href: `/people/${e.personId}` }, display(e.recordId)) : h('code', {}, display(e.recordId)),
    ),
    h(
      'td',
      {},
      e.operation,
      h('div', { class: 'hint' }, e.direction === 'to_dynamics' ? 'to Dynamics' : 'from Dynamics'),
    ),
    h('td', {}, h('code', {}, e.code)),
    h('td', { class: 'message' }, e.message),
    h('td', { class: 'nowrap' }, stateOf(e)),
  );
}

function stateOf(e) {
  if (!e.resolvedAt) return badge('open', 'danger');
  const how = { admin: 'resolved', retry: 'retried' }[e.resolvedBy] ?? 'synced since';
  return badge(how, 'ok');
}

async function more(body, totalEl, moreButton) {
  const r = await api(`/api/sync-errors${query({ ...filter, cursor, limit: 50 })}`);
  if (!cursor) body.replaceChildren();
  body.append(...r.items.map(row));
  if (!body.children.length)
    body.append(
      emptyRow(7, filter.q || filter.entity ? 'No sync error matches.' : 'No sync errors. Every record synced.'),
    );
  totalEl.textContent = `${formatNumber(r.total)} error${r.total === 1 ? '' : 's'}`;
  cursor = r.nextCursor;
  moreButton.hidden = !cursor;
}

function render() {
  const q = h('input', {
    type: 'search',
    id: 'error-search',
    value: filter.q,
    placeholder: 'Search message, code, record id',
    'aria-label': 'Search sync errors',
  });
  const entity = h(
    'select',
    { id: 'error-entity', 'aria-label': 'Table' },
    [
      ['', 'All tables'],
      ['account', 'Accounts'],
      ['contact', 'Contacts'],
      ['lead', 'Leads'],
      ['systemuser', 'Users'],
    ].map(([v, l]) => h('option', { value: v, selected: filter.entity === v }, l)),
  );
  const total = h('span', { class: 'muted', id: 'error-total' });
  const body = h('tbody', { id: 'error-rows' });
  const moreButton = h('button', { type: 'button', class: 'button', id: 'more-errors', hidden: true }, 'Load more');
  const csv = h(
    'a',
    { class: 'button', id: 'export-csv', href: `/api/sync-errors.csv${query(filter)}`, download: '' },
    'Export CSV',
  );
  const go = h('button', { type: 'submit', class: 'button primary' }, 'Search');
  const search = h('form', { class: 'toolbar', id: 'error-filter', role: 'search' }, q, entity, go, total, csv);
  search.addEventListener(
    'submit',
    busy(go, async () => {
      filter.q = q.value.trim();
      filter.entity = entity.value;
      history.replaceState(null, '', `/errors${query(filter)}`);
      csv.setAttribute('href', `/api/sync-errors.csv${query(filter)}`);
      cursor = null;
      await more(body, total, moreButton);
    }),
  );
  moreButton.addEventListener(
    'click',
    busy(moreButton, () => more(body, total, moreButton)),
  );
  const t = table(['Time', 'Table', 'Record', 'Operation', 'Code', 'Message', 'State'], [], { id: 'errors-table' });
  t.querySelector('tbody').replaceWith(body);
  const groups = h('div', { id: 'groups' });
  replace(
    page(),
    groups,
    h('h2', {}, 'All errors'),
    search,
    h('div', { class: 'card flush' }, t),
    h('div', { class: 'more' }, moreButton),
  );
  return Promise.all([renderGroups(groups, filter.entity), more(body, total, moreButton)]);
}

run(render);
