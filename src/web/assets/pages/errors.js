// Sync errors: records that could not be applied, searchable, exportable as CSV with the same filter.
import { api, query } from '../lib/api.js';
import { display, emptyRow, formatDate, formatNumber, h, page, replace, table } from '../lib/dom.js';
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
    h('td', {}, e.operation),
    h('td', {}, h('code', {}, e.code)),
    h('td', { class: 'message' }, e.message),
  );
}

async function more(body, totalEl, moreButton) {
  const r = await api(`/api/sync-errors${query({ ...filter, cursor, limit: 50 })}`);
  if (!cursor) body.replaceChildren();
  body.append(...r.items.map(row));
  if (!body.children.length)
    body.append(
      emptyRow(6, filter.q || filter.entity ? 'No sync error matches.' : 'No sync errors. Every record synced.'),
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
  const t = table(['Time', 'Table', 'Record', 'Operation', 'Code', 'Message'], [], { id: 'errors-table' });
  t.querySelector('tbody').replaceWith(body);
  replace(page(), search, h('div', { class: 'card flush' }, t), h('div', { class: 'more' }, moreButton));
  return more(body, total, moreButton);
}

run(render);
