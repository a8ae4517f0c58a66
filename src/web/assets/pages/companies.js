// Companies (Dynamics accounts) with how many people each has.
import { api, query } from '../lib/api.js';
import { badge, display, emptyRow, formatNumber, h, page, replace, table } from '../lib/dom.js';
import { busy, run } from '../lib/shell.js';

const filter = { q: new URLSearchParams(location.search).get('q') ?? '' };
let cursor = null;

function row(c) {
  return h(
    'tr',
    { 'data-company': c.id },
    h(
      'td',
      {},
      c.people
        ? h('a', { href: `/people${query({ company: c.id })}`, class: 'strong' }, display(c.name))
        : h('span', { class: 'strong' }, display(c.name)),
      c.dynamicsDeleted ? [' ', badge('deleted in Dynamics', 'warn')] : null,
    ),
    h('td', {}, display(c.city)),
    h('td', {}, display(c.country)),
    h(
      'td',
      { class: 'num' },
      c.people
        ? h('a', { href: `/people${query({ company: c.id })}`, class: 'people-count' }, formatNumber(c.people))
        : '0',
    ),
    h(
      'td',
      {},
      h(
        'a',
        { href: `/opportunities${query({ company: c.dynamicsId })}`, class: 'opportunities-link' },
        'Opportunities',
      ),
    ),
  );
}

async function more(body, moreButton) {
  const r = await api(`/api/companies${query({ ...filter, cursor, limit: 50 })}`);
  if (!cursor) body.replaceChildren();
  body.append(...r.items.map(row));
  if (!body.children.length) body.append(emptyRow(5, 'No company matches.'));
  cursor = r.nextCursor;
  moreButton.hidden = !cursor;
}

function render() {
  const q = h('input', {
    type: 'search',
    id: 'company-search',
    value: filter.q,
    placeholder: 'Company name',
    'aria-label': 'Search companies by name',
  });
  const go = h('button', { type: 'submit', class: 'button primary' }, 'Search');
  const body = h('tbody', { id: 'company-rows' });
  const moreButton = h('button', { type: 'button', class: 'button', id: 'more-companies', hidden: true }, 'Load more');
  const form = h(
    'form',
    { class: 'toolbar', role: 'search' },
    q,
    go,
    h('span', { class: 'muted' }, 'Companies come from Dynamics accounts and are never changed there from here.'),
  );
  form.addEventListener(
    'submit',
    busy(go, async () => {
      filter.q = q.value.trim();
      history.replaceState(null, '', `/companies${query(filter)}`);
      cursor = null;
      await more(body, moreButton);
    }),
  );
  moreButton.addEventListener(
    'click',
    busy(moreButton, () => more(body, moreButton)),
  );
  const t = table(['Company', 'City', 'Country', { label: 'People', num: true }, 'Opportunities'], [], {
    id: 'companies-table',
  });
  t.querySelector('tbody').replaceWith(body);
  replace(page(), form, h('div', { class: 'card flush' }, t), h('div', { class: 'more' }, moreButton));
  return more(body, moreButton);
}

run(render);
