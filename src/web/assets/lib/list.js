// A sortable, filterable, paged list (People, Companies): the state lives in the URL (q, sort, dir,
// f), so a filtered view can be bookmarked, reloaded and exported as CSV with the same filter.
import { api, query } from './api.js';
import { emptyRow, formatNumber, h, page, replace } from './dom.js';
import { busy } from './shell.js';

const OPS = [
  ['contains', 'contains'],
  ['equals', 'is'],
  ['empty', 'is empty'],
  ['not_empty', 'is not empty'],
];

function stateFromUrl(extra) {
  const p = new URLSearchParams(location.search);
  const state = { q: p.get('q') ?? '', sort: p.get('sort') ?? 'id', dir: p.get('dir') ?? 'asc', f: p.getAll('f') };
  for (const k of extra) state[k] = p.get(k) ?? '';
  return state;
}

function urlOf(path, state) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(state)) {
    if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
    else if (v) q.set(k, v);
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** "1,001–1,050 of 12,345" */
export const positionText = (r) =>
  r.total === 0 ? 'None' : `${formatNumber(r.from)}–${formatNumber(r.to)} of ${formatNumber(r.total)}`;

/**
 * opts: { path, api, csv, id, columns: [{ key, label, sort?, num? }], row(item), searchLabel,
 *         placeholder, extraParams: [names kept from the URL], fields: [{scope, name, label}], toolbar? }
 */
export function mountList(opts) {
  const state = stateFromUrl(opts.extraParams ?? []);
  let cursor = null;
  const body = h('tbody', { id: opts.rowsId ?? `${opts.id}-rows` });
  const position = h('span', { class: 'position', id: `${opts.id}-position` });
  const prev = h('button', { type: 'button', class: 'button', id: `${opts.id}-prev` }, '‹ Previous');
  const next = h('button', { type: 'button', class: 'button', id: `${opts.id}-next` }, 'Next ›');
  const csv = h('a', { class: 'button ghost', id: `${opts.id}-csv`, download: '' }, 'Export CSV');
  let last = null;

  const load = async () => {
    const r = await api(`${opts.api}${query({ ...state, f: undefined, cursor, limit: 50 })}${fParams()}`);
    last = r;
    body.replaceChildren(...r.items.map(opts.row));
    if (!r.items.length) body.append(emptyRow(opts.columns.length, 'Nothing matches.'));
    position.textContent = positionText(r);
    prev.disabled = !r.prevCursor;
    next.disabled = !r.nextCursor;
    csv.setAttribute('href', urlOf(opts.csv, { ...state }));
    history.replaceState(null, '', urlOf(opts.path, state));
    opts.onLoad?.(r);
  };
  const fParams = () => state.f.map((x) => `&f=${encodeURIComponent(x)}`).join('');
  const reload = () => {
    cursor = null;
    return load();
  };
  prev.addEventListener(
    'click',
    busy(prev, () => {
      cursor = last?.prevCursor ?? null;
      return load();
    }),
  );
  next.addEventListener(
    'click',
    busy(next, () => {
      cursor = last?.nextCursor ?? null;
      return load();
    }),
  );

  const head = h(
    'tr',
    {},
    opts.columns.map((c) => {
      if (!c.sort) return h('th', { scope: 'col', class: c.num ? 'num' : undefined }, c.label);
      const active = state.sort === c.sort;
      const arrow = active ? (state.dir === 'desc' ? ' ▼' : ' ▲') : '';
      const b = h('button', { type: 'button', class: 'sort', 'data-sort': c.sort }, c.label, arrow);
      b.addEventListener('click', async () => {
        state.dir = state.sort === c.sort && state.dir === 'asc' ? 'desc' : 'asc';
        state.sort = c.sort;
        rerender();
      });
      return h(
        'th',
        {
          scope: 'col',
          class: c.num ? 'num' : undefined,
          'aria-sort': active ? (state.dir === 'desc' ? 'descending' : 'ascending') : undefined,
        },
        b,
      );
    }),
  );

  const search = h('input', {
    type: 'search',
    id: opts.searchId,
    value: state.q,
    placeholder: opts.placeholder,
    'aria-label': opts.searchLabel,
  });
  const go = h('button', { type: 'submit', class: 'button primary' }, 'Search');
  const form = h('form', { class: 'toolbar', role: 'search' }, search, go, opts.toolbar ?? null);
  form.addEventListener(
    'submit',
    busy(go, async () => {
      state.q = search.value.trim();
      await reload();
    }),
  );

  const filters = filterBar(opts, state, rerender);
  const t = h('table', { class: 'table', id: `${opts.id}-table` }, h('thead', {}, head), body);
  const pager = h('div', { class: 'pager' }, position, prev, next, csv);
  function rerender() {
    history.replaceState(null, '', urlOf(opts.path, state));
    void mountList(opts);
  }
  replace(page(), form, filters, pager, h('div', { class: 'card flush' }, t));
  return load();
}

function filterBar(opts, state, rerender) {
  const chips = state.f.map((text, i) => {
    const remove = h('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove filter ${text}` }, '×');
    remove.addEventListener('click', () => {
      state.f.splice(i, 1);
      rerender();
    });
    return h('span', { class: 'chip', 'data-filter': text }, describe(text, opts.fields), remove);
  });
  const field = h(
    'select',
    { id: `${opts.id}-filter-field`, 'aria-label': 'Field to filter by' },
    opts.fields.map((f) =>
      h('option', { value: `${f.scope}.${f.name}` }, `${f.scope === 'company' ? 'Company: ' : ''}${f.label}`),
    ),
  );
  const op = h(
    'select',
    { id: `${opts.id}-filter-op`, 'aria-label': 'How to compare' },
    OPS.map(([v, l]) => h('option', { value: v }, l)),
  );
  const value = h('input', {
    type: 'text',
    id: `${opts.id}-filter-value`,
    placeholder: 'value',
    'aria-label': 'Value',
  });
  const add = h('button', { type: 'submit', class: 'button', id: `${opts.id}-filter-add` }, 'Add filter');
  const form = h('form', { class: 'toolbar filters' }, field, op, value, add, chips);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const needsValue = op.value === 'contains' || op.value === 'equals';
    if (needsValue && !value.value.trim()) return value.focus();
    state.f.push(`${field.value}:${op.value}${needsValue ? `:${value.value.trim()}` : ''}`);
    rerender();
  });
  return form;
}

function describe(text, fields) {
  const m = /^(person|company)\.([^:]+):([a-z_]+)(?::(.*))?$/.exec(text);
  if (!m) return text;
  const f = fields.find((x) => x.scope === m[1] && x.name === m[2]);
  const label = `${m[1] === 'company' ? 'Company: ' : ''}${f?.label ?? m[2]}`;
  const op = OPS.find(([v]) => v === m[3])?.[1] ?? m[3];
  return m[4] !== undefined ? `${label} ${op} “${m[4]}”` : `${label} ${op}`;
}
