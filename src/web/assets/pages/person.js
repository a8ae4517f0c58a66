// Person: its fields, its company's fields (editable here: the change applies to every person of
// the company, is logged as Change Data Value, and is never sent to Dynamics), its activity log.
import { api, query } from '../lib/api.js';
import {
  alertBox,
  badge,
  display,
  emptyRow,
  formatDate,
  formatNumber,
  h,
  page,
  replace,
  setTitle,
  table,
  toast,
} from '../lib/dom.js';
import { deletedBadge, microsoftFieldList } from '../lib/microsoft.js';
import { OPPORTUNITY_HEADERS, opportunityRow } from '../lib/opportunities.js';
import { busy, run } from '../lib/shell.js';
import { customRecordsCard } from './person-custom.js';
import { pushCard } from './person-push.js';

const ACTIVITY_TYPES = { 12: 'New Lead', 13: 'Change Data Value', 300: 'Sync Lead to Microsoft', 10001: 'Sync error' };
const NUMERIC = new Set(['Integer', 'BigInt', 'Decimal', 'Double', 'Money']);
const id = Number(location.pathname.split('/').pop());

function editor(f) {
  const name = `cf-${f.name}`;
  if (f.options) {
    return h(
      'select',
      { id: name, name },
      h('option', { value: '' }, '(empty)'),
      f.options.map((o) => h('option', { value: o, selected: o === f.value }, o)),
    );
  }
  if (f.type === 'Boolean') {
    return h(
      'select',
      { id: name, name },
      [
        ['', '(empty)'],
        ['true', 'Yes'],
        ['false', 'No'],
      ].map(([v, l]) => h('option', { value: v, selected: String(f.value ?? '') === v }, l)),
    );
  }
  if (f.type === 'Memo') return h('textarea', { id: name, name, rows: 2 }, f.value ?? '');
  return h('input', {
    id: name,
    name,
    type: NUMERIC.has(f.type) ? 'number' : 'text',
    step: NUMERIC.has(f.type) ? 'any' : undefined,
    value: f.value ?? '',
  });
}

function companyFieldRow(f, company) {
  const input = editor(f);
  const save = h('button', { type: 'submit', class: 'button small' }, 'Save');
  const form = h(
    'form',
    { class: 'company-field', 'data-company-field': f.name },
    h('label', { for: input.id }, f.label, ' ', h('code', {}, f.name)),
    input,
    save,
  );
  form.addEventListener(
    'submit',
    busy(save, async () => {
      const raw = input.value;
      const value = raw === '' ? null : f.type === 'Boolean' ? raw === 'true' : raw;
      const r = await api(`/api/people/${id}/company-field`, { method: 'PUT', body: { field: f.name, value } });
      toast(
        `${f.label} of ${display(company.name)} is now ${display(r.newValue)} for all ${formatNumber(r.persons)} people of the company; ` +
          `${formatNumber(r.activities)} Change Data Value activities logged` +
          `${r.activities < r.persons ? ` (at most ${formatNumber(5000)} per change)` : ''}. Not sent to Dynamics.`,
        'ok',
      );
      await load();
    }),
  );
  return form;
}

function change(a) {
  const at = a.attributes ?? {};
  if (a.typeId === 13)
    return [
      h('code', {}, display(at.field ?? a.primaryAttributeValue)),
      h('span', { class: 'change' }, display(at.oldValue), ' → ', h('strong', {}, display(at.newValue))),
    ];
  if (a.typeId === 10001) return [h('code', {}, display(at.code)), display(at.message)];
  if (a.typeId === 300) return [display(at.syncAs), at.assignTo ? `Assign to ${at.assignTo}` : ''];
  return [display(a.primaryAttributeValue), ''];
}

function activityRow(a) {
  const at = a.attributes ?? {};
  const [field, what] = change(a);
  return h(
    'tr',
    { 'data-activity': a.id, 'data-type': a.typeId },
    h('td', { class: 'nowrap' }, formatDate(a.occurredAt)),
    h(
      'td',
      {},
      badge(
        ACTIVITY_TYPES[a.typeId] ?? `type ${a.typeId}`,
        a.typeId === 13 ? 'info' : a.typeId === 10001 ? 'danger' : 'ok',
      ),
    ),
    h('td', {}, field),
    h('td', {}, what),
    h('td', {}, display(at.reason)),
    h('td', {}, display(at.source)),
  );
}

function activityLog(first) {
  let cursor = first.nextCursor;
  const body = h(
    'tbody',
    { id: 'activity-rows' },
    first.items.length ? first.items.map(activityRow) : emptyRow(6, 'No activity yet.'),
  );
  const more = h(
    'button',
    { type: 'button', class: 'button', id: 'more-activities', hidden: !cursor },
    'Older activities',
  );
  more.addEventListener(
    'click',
    busy(more, async () => {
      const r = await api(`/api/people/${id}/activities${query({ cursor })}`);
      body.append(...r.items.map(activityRow));
      cursor = r.nextCursor;
      more.hidden = !cursor;
    }),
  );
  const t = table(['Time', 'Activity', 'Field', 'Change', 'Reason', 'Source'], [], { id: 'activity-table' });
  t.querySelector('tbody').replaceWith(body);
  return [t, h('div', { class: 'more' }, more)];
}

/** The opportunities the person has a contact role in (customer or stakeholder). */
function opportunityCard(items) {
  const t = table(OPPORTUNITY_HEADERS, [], { id: 'person-opportunities' });
  t.querySelector('tbody').replaceWith(
    h('tbody', {}, items.length ? items.map(opportunityRow) : emptyRow(OPPORTUNITY_HEADERS.length, 'No opportunity.')),
  );
  return h('section', { class: 'card flush', id: 'opportunities' }, h('h2', { class: 'pad' }, 'Opportunities'), t);
}

async function load() {
  if (!Number.isInteger(id) || id <= 0) return replace(page(), alertBox('This is not a person id.'));
  const [{ person, company, companyFields, fieldLabels, activities }, opportunities] = await Promise.all([
    api(`/api/people/${id}`),
    api(`/api/opportunities${query({ person: id })}`),
  ]);
  const name =
    [person.fields.firstName, person.fields.lastName].filter(Boolean).join(' ') ||
    person.email ||
    `Person ${person.id}`;
  setTitle(name);
  const fields = Object.entries(person.fields).sort(([a], [b]) => a.localeCompare(b));
  replace(
    page(),
    h(
      'div',
      { class: 'toolbar' },
      h('a', { href: '/people' }, '← People'),
      h(
        'span',
        { class: 'muted' },
        `${person.dynamicsType ?? 'Marketing only'} · id ${person.id}${person.dynamicsId ? ` · Dynamics ${person.dynamicsId}` : ''}`,
      ),
      deletedBadge(person),
    ),
    pushCard(person, load),
    h(
      'div',
      { class: 'columns' },
      h(
        'section',
        { class: 'card', id: 'person-fields' },
        h('h2', {}, 'Person fields'),
        h('p', { class: 'muted' }, 'Microsoft system fields, kept by the sync (read-only):'),
        microsoftFieldList(person),
        h(
          'dl',
          { class: 'fields' },
          fields.map(([k, v]) => [
            h('dt', {}, fieldLabels?.[k] ?? k, ' ', h('code', {}, k)),
            h('dd', { 'data-field': k }, display(v)),
          ]),
        ),
      ),
      h(
        'section',
        { class: 'card', id: 'company-fields' },
        h(
          'h2',
          {},
          'Company fields',
          company ? [' · ', h('a', { href: `/people${query({ company: company.id })}` }, display(company.name))] : null,
        ),
        company
          ? [
              h(
                'p',
                { class: 'muted' },
                'A change here applies to every person of this company and is logged on each as Change Data Value. It stays in the lead database: nothing is sent to Dynamics, and the next Dynamics update of the account overwrites it.',
              ),
              h(
                'p',
                { class: 'muted', id: 'activity-cap' },
                `The value always applies to all people of the company; the Change Data Value activity is logged on at most ${formatNumber(5000)} of them (the lowest person ids), as Marketo's Dynamics sync does for accounts with more people.`,
              ),
              companyFields.map((f) => companyFieldRow(f, company)),
            ]
          : h('p', { class: 'muted' }, "This person's account has not synced yet."),
      ),
    ),
    customRecordsCard(person.id),
    opportunityCard(opportunities.items),
    h('section', { class: 'card flush' }, h('h2', { class: 'pad' }, 'Activity log'), ...activityLog(activities)),
  );
}

run(load);
