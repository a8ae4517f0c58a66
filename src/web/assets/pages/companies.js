// Companies (Dynamics accounts) with how many people each has: sorted by any column, filtered by
// any company field, paged with where you are, exported as CSV with the same filter.
import { api } from '../lib/api.js';
import { badge, display, formatDate, formatNumber, h, relative } from '../lib/dom.js';
import { mountList } from '../lib/list.js';
import { run } from '../lib/shell.js';

function row(c) {
  const people = `/people?company=${c.id}`;
  return h(
    'tr',
    { 'data-company': c.id },
    h(
      'td',
      {},
      c.people
        ? h('a', { href: people, class: 'strong' }, display(c.name))
        : h('span', { class: 'strong' }, display(c.name)),
      c.dynamicsDeleted ? [' ', badge('deleted in Dynamics', 'warn')] : null,
    ),
    h('td', {}, display(c.city)),
    h('td', {}, display(c.country)),
    h('td', { class: 'num' }, c.people ? h('a', { href: people, class: 'people-count' }, formatNumber(c.people)) : '0'),
    h('td', { 'data-field': 'lastSynced', title: formatDate(c.lastSynced) }, relative(c.lastSynced)),
    h(
      'td',
      {},
      c.dynamicsId
        ? h('a', { href: `/opportunities?company=${c.dynamicsId}`, class: 'opportunities-link' }, 'Opportunities')
        : '',
    ),
  );
}

async function render() {
  const { companies: fields } = await api('/api/list-fields');
  await mountList({
    path: '/companies',
    api: '/api/companies',
    csv: '/api/companies.csv',
    id: 'companies',
    rowsId: 'company-rows',
    searchId: 'company-search',
    placeholder: 'Company name',
    searchLabel: 'Search companies by name',
    fields,
    toolbar: h(
      'span',
      { class: 'muted' },
      'Companies come from Dynamics accounts and are never changed there from here.',
    ),
    columns: [
      { label: 'Company', sort: 'name' },
      { label: 'City', sort: 'city' },
      { label: 'Country', sort: 'country' },
      { label: 'People', sort: 'people', num: true },
      { label: 'Last synced', sort: 'lastSynced' },
      { label: 'Opportunities' },
    ],
    row,
  });
}

run(render);
