// Field sync: per table, every Dynamics column with its availability, the default mapping marked;
// tick the columns to sync and save. Only readable columns can be ticked. A selected lead or contact
// column the sync user may not write in Dynamics says so; accounts and users are never written.
import { api, query } from '../lib/api.js';
import { badge, emptyRow, h, page, replace, table, toast } from '../lib/dom.js';
import { busy, run } from '../lib/shell.js';

const TABS = [
  { entity: 'account', label: 'Accounts', note: 'become companies; their fields show on every person of the company' },
  { entity: 'contact', label: 'Contacts', note: 'become people' },
  { entity: 'lead', label: 'Leads', note: 'become people' },
  { entity: 'systemuser', label: 'Users', note: 'become sales persons (owners)' },
];
const AVAILABILITY = {
  readable: ['readable', 'ok'],
  secured_unreadable: ['secured, unreadable', 'warn'],
  not_valid_for_read: ['unavailable', 'neutral'],
};

const state = {
  entity: new URLSearchParams(location.search).get('entity') ?? 'account',
  fields: [],
  chosen: new Set(),
  filter: '',
};

function dirty() {
  const saved = state.fields.filter((f) => f.selected).map((f) => f.logicalName);
  return saved.length !== state.chosen.size || saved.some((n) => !state.chosen.has(n));
}

function row(f) {
  const [label, kind] = AVAILABILITY[f.availability];
  const box = h('input', {
    type: 'checkbox',
    'aria-label': `Sync ${f.logicalName}`,
    checked: state.chosen.has(f.logicalName),
    disabled: f.availability !== 'readable' && !state.chosen.has(f.logicalName),
  });
  box.addEventListener('change', () => {
    if (box.checked) state.chosen.add(f.logicalName);
    else state.chosen.delete(f.logicalName);
    summary();
  });
  return h(
    'tr',
    { 'data-field': f.logicalName, class: state.chosen.has(f.logicalName) ? 'selected' : '' },
    h('td', { class: 'check-col' }, box),
    h('td', {}, h('div', { class: 'strong' }, f.displayName), h('code', {}, f.logicalName)),
    h('td', {}, f.type),
    h(
      'td',
      {},
      badge(label, kind),
      f.availability === 'secured_unreadable'
        ? h('div', { class: 'hint' }, 'Add it to a field security profile of the sync user')
        : null,
    ),
    h(
      'td',
      {},
      f.isDefault ? badge('default mapping', 'info') : null,
      f.isCustom ? badge('custom', 'neutral') : null,
      f.quickSyncing ? badge('quick sync running', 'warn') : null,
    ),
    h('td', {}, f.localName ? h('code', {}, f.localName) : h('span', { class: 'muted' }, '—'), writeNote(f.write)),
  );
}

// The server's note is "read-only in Dynamics: why" or "not set when creating in Dynamics: why".
function writeNote(write) {
  if (!write.note) return null;
  const [label, ...why] = write.note.split(': ');
  return h('div', { class: 'hint write-note' }, badge(label, write.canUpdate ? 'info' : 'warn'), ' ', why.join(': '));
}

function visible() {
  const q = state.filter.toLowerCase();
  return state.fields.filter(
    (f) => !q || [f.logicalName, f.displayName, f.localName ?? '', f.type].some((s) => s.toLowerCase().includes(q)),
  );
}

function summary() {
  const el = document.getElementById('field-summary');
  if (el)
    el.textContent = `${state.chosen.size} of ${state.fields.length} columns selected${dirty() ? ' · unsaved changes' : ''}`;
  document.getElementById('save-fields')?.toggleAttribute('disabled', !dirty());
}

function renderRows() {
  const rows = visible();
  replace(
    document.getElementById('field-rows'),
    rows.length
      ? rows.map(row)
      : emptyRow(6, state.fields.length ? 'No column matches the search.' : 'No columns loaded yet.'),
  );
}

async function save(body) {
  const r = await api('/api/fields', { method: 'PUT', body: { entity: state.entity, ...body } });
  toast(
    `Saved: ${r.fields.filter((f) => f.selected).length} ${state.entity} columns sync. Newly selected columns fill by a quick sync (progress on Sync status); a column cannot be deselected until its quick sync ends.`,
    'ok',
  );
  show(r);
}

function show(r) {
  state.fields = r.fields;
  state.chosen = new Set(r.fields.filter((f) => f.selected).map((f) => f.logicalName));
  const tab = TABS.find((t) => t.entity === state.entity);
  const search = h('input', {
    type: 'search',
    id: 'field-search',
    placeholder: 'Search columns by name, label or type',
    value: state.filter,
    'aria-label': 'Search columns',
  });
  search.addEventListener('input', () => {
    state.filter = search.value;
    renderRows();
  });
  const saveButton = h(
    'button',
    { type: 'button', class: 'button primary', id: 'save-fields', disabled: true },
    'Save selection',
  );
  saveButton.addEventListener(
    'click',
    busy(saveButton, () => save({ selected: [...state.chosen] })),
  );
  const defaults = h(
    'button',
    { type: 'button', class: 'button', id: 'select-defaults' },
    r.catalogLoaded ? 'Add the default mapping' : 'Load columns and select the defaults',
  );
  defaults.addEventListener(
    'click',
    busy(defaults, () => save({ defaults: true })),
  );
  const body = h('tbody', { id: 'field-rows' });
  replace(
    page(),
    h(
      'div',
      { class: 'tabs', role: 'tablist' },
      TABS.map((t) =>
        h(
          'a',
          {
            role: 'tab',
            href: `/fields${query({ entity: t.entity })}`,
            'aria-selected': String(t.entity === state.entity),
            'data-entity': t.entity,
            onclick: (e) => {
              e.preventDefault();
              load(t.entity);
            },
          },
          t.label,
        ),
      ),
    ),
    h(
      'p',
      { class: 'muted' },
      `Dynamics ${tab.label.toLowerCase()} ${tab.note}. Secured columns need a field security profile for the sync user; columns not valid for read cannot sync.`,
    ),
    h(
      'p',
      { class: 'muted', id: 'write-direction' },
      r.written
        ? 'Changes made in dynasync to selected columns are written back to Dynamics, except columns marked read-only in Dynamics.'
        : `dynasync never writes ${tab.label.toLowerCase()} to Dynamics: these columns only flow from Dynamics.`,
    ),
    h(
      'div',
      { class: 'toolbar' },
      search,
      h('span', { class: 'muted', id: 'field-summary' }),
      h('div', { class: 'actions' }, defaults, saveButton),
    ),
    h(
      'div',
      { class: 'card flush' },
      table(['Sync', 'Column', 'Type', 'Availability', 'Mapping', 'Local field'], [], { id: 'fields-table' }),
    ),
  );
  page().querySelector('#fields-table tbody').replaceWith(body);
  renderRows();
  summary();
}

async function load(entity) {
  state.entity = TABS.some((t) => t.entity === entity) ? entity : 'account';
  history.replaceState(null, '', `/fields${query({ entity: state.entity })}`);
  show(await api(`/api/fields${query({ entity: state.entity })}`));
}

run(() => load(state.entity));
