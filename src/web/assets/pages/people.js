// People: search the lead database by email or name (optionally within one company).
import { api, query } from '../lib/api.js';
import { display, emptyRow, formatDate, h, page, replace, setTitle, table } from '../lib/dom.js';
import { deletedBadge, microsoftType } from '../lib/microsoft.js';
import { busy, run } from '../lib/shell.js';

const params = new URLSearchParams(location.search);
const filter = { q: params.get('q') ?? '', company: params.get('company') ?? '' };
let cursor = null;

const fullName = (p) => [p.firstName, p.lastName].filter(Boolean).join(' ') || '(no name)';

function row(p) {
  return h(
    'tr',
    { 'data-person': p.id },
    h('td', {}, h('a', { href: `/people/${p.id}` }, fullName(p))),
    h('td', {}, display(p.email)),
    h(
      'td',
      {},
      p.companyId
        ? h('a', { href: `/people${query({ company: p.companyId })}` }, display(p.companyName))
        : h('span', { class: 'muted' }, '—'),
    ),
    h('td', { 'data-field': 'microsoftType' }, microsoftType(p), p.dynamicsDeleted ? [' ', deletedBadge(p)] : null),
    h('td', { 'data-field': 'microsoftCreatedDate' }, formatDate(p.dynamicsCreatedOn)),
  );
}

async function more(body, moreButton) {
  const r = await api(`/api/people${query({ ...filter, cursor, limit: 50 })}`);
  if (!cursor) body.replaceChildren();
  body.append(...r.items.map(row));
  if (!body.children.length) body.append(emptyRow(5, 'No person matches.'));
  cursor = r.nextCursor;
  moreButton.hidden = !cursor;
  if (filter.company && r.items[0]?.companyName && !cursor) setTitle(`People of ${r.items[0].companyName}`);
}

function render() {
  const q = h('input', {
    type: 'search',
    id: 'people-search',
    value: filter.q,
    placeholder: 'Email or name',
    'aria-label': 'Search people by email or name',
  });
  const go = h('button', { type: 'submit', class: 'button primary' }, 'Search');
  const body = h('tbody', { id: 'people-rows' });
  const moreButton = h('button', { type: 'button', class: 'button', id: 'more-people', hidden: true }, 'Load more');
  const form = h(
    'form',
    { class: 'toolbar', role: 'search' },
    q,
    go,
    filter.company ? h('a', { href: '/people', class: 'button ghost' }, 'All companies') : null,
  );
  form.addEventListener(
    'submit',
    busy(go, async () => {
      filter.q = q.value.trim();
      history.replaceState(null, '', `/people${query(filter)}`);
      cursor = null;
      await more(body, moreButton);
    }),
  );
  moreButton.addEventListener(
    'click',
    busy(moreButton, () => more(body, moreButton)),
  );
  const t = table(['Name', 'Email', 'Company', 'Microsoft Type', 'Microsoft Created Date'], [], { id: 'people-table' });
  t.querySelector('tbody').replaceWith(body);
  replace(page(), form, h('div', { class: 'card flush' }, t), h('div', { class: 'more' }, moreButton));
  if (filter.company) setTitle('People of one company');
  return more(body, moreButton);
}

run(render);
