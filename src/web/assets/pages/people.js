// People: every person of the lead database, sorted by any column, filtered by any person or
// company field, paged with where you are, exported as CSV with the same filter.
import { api } from '../lib/api.js';
import { display, formatDate, h, relative, setTitle } from '../lib/dom.js';
import { mountList } from '../lib/list.js';
import { deletedBadge, microsoftType } from '../lib/microsoft.js';
import { run } from '../lib/shell.js';

const fullName = (p) => [p.firstName, p.lastName].filter(Boolean).join(' ') || '(no name)';
const company = new URLSearchParams(location.search).get('company');

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
        ? h('a', { href: `/people?company=${p.companyId}` }, display(p.companyName))
        : h('span', { class: p.companyName ? undefined : 'muted' }, display(p.companyName)),
    ),
    h('td', { 'data-field': 'microsoftType' }, microsoftType(p), p.dynamicsDeleted ? [' ', deletedBadge(p)] : null),
    h('td', { 'data-field': 'microsoftCreatedDate' }, formatDate(p.dynamicsCreatedOn)),
    h(
      'td',
      { 'data-field': 'lastSynced', title: formatDate(p.lastSynced) },
      p.dynamicsId ? relative(p.lastSynced) : h('span', { class: 'muted' }, 'not in Dynamics'),
    ),
  );
}

async function render() {
  const { people: fields } = await api('/api/list-fields');
  let titled = false;
  await mountList({
    path: '/people',
    api: '/api/people',
    csv: '/api/people.csv',
    id: 'people',
    searchId: 'people-search',
    placeholder: 'Email or name',
    searchLabel: 'Search people by email or name',
    extraParams: ['company'],
    fields,
    toolbar: company ? h('a', { href: '/people', class: 'button ghost' }, 'All companies') : null,
    columns: [
      { label: 'Name', sort: 'name' },
      { label: 'Email', sort: 'email' },
      { label: 'Company', sort: 'company' },
      { label: 'Microsoft Type', sort: 'microsoftType' },
      { label: 'Microsoft Created Date', sort: 'microsoftCreatedDate' },
      { label: 'Last synced', sort: 'lastSynced' },
    ],
    row,
    onLoad: (r) => {
      if (company && !titled && r.items[0]?.companyName) {
        setTitle(`People of ${r.items[0].companyName}`);
        titled = true;
      }
    },
  });
  if (company && !titled) setTitle('People of one company');
}

run(render);
