// The person's records of enabled custom tables (Dynamics custom tables synced one way): those
// linked to the person, and those linked to the person's company. Loads on its own, after the page.
import { api } from '../lib/api.js';
import { badge, display, emptyRow, formatDate, h, replace, table } from '../lib/dom.js';

function recordRow(r) {
  const fields = Object.entries(r.fields)
    .filter(([, v]) => v !== null && v !== '')
    .sort(([a], [b]) => a.localeCompare(b));
  return h(
    'tr',
    { 'data-record': r.id },
    h('td', {}, h('code', {}, r.table)),
    h(
      'td',
      {},
      fields.map(([k, v]) => h('div', {}, h('span', { class: 'muted' }, `${k}: `), display(v))),
    ),
    h('td', {}, badge(r.via === 'person' ? 'this person' : 'company', r.via === 'person' ? 'info' : 'neutral')),
    h('td', {}, formatDate(r.updatedAt)),
  );
}

export function customRecordsCard(personId) {
  const body = h('div', {}, h('p', { class: 'muted pad' }, 'Loading…'));
  const card = h(
    'section',
    { class: 'card flush', id: 'custom-records' },
    h('h2', { class: 'pad' }, 'Custom tables'),
    body,
  );
  api(`/api/people/${personId}/custom-records`)
    .then(({ records }) =>
      replace(
        body,
        table(
          ['Table', 'Record', 'Linked to', 'Updated'],
          records.length ? records.map(recordRow) : emptyRow(4, 'No records of enabled custom tables.'),
        ),
      ),
    )
    .catch((err) => replace(body, h('p', { class: 'muted pad' }, err instanceof Error ? err.message : String(err))));
  return card;
}
