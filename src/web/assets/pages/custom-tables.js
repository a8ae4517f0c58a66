// Custom tables: every custom table of Dynamics, whether it can sync and why not; enable or
// disable one (between cycles only: the server refuses during a cycle), and tick an enabled
// table's columns as on Field sync. Enabling starts with a full read of that table only.
import { api } from '../lib/api.js';
import { badge, emptyRow, h, page, replace, table, toast } from '../lib/dom.js';
import { busy, run } from '../lib/shell.js';

function actionButton(t) {
  const label = t.enabled ? 'Disable' : 'Enable';
  const b = h(
    'button',
    { type: 'button', class: t.enabled ? 'button ghost' : 'button', disabled: !t.enabled && !t.eligible },
    label,
  );
  b.addEventListener(
    'click',
    busy(b, async () => {
      await api(`/api/custom-tables/${t.name}/${t.enabled ? 'disable' : 'enable'}`, { method: 'POST', body: {} });
      toast(
        t.enabled
          ? `${t.name}: sync disabled (its records are kept)`
          : `${t.name}: enabled; the next cycle reads it in full`,
      );
      await load();
    }),
  );
  return b;
}

function tableRow(t) {
  const state = t.enabled
    ? badge('enabled', 'ok')
    : t.eligible
      ? badge('can sync', 'info')
      : badge('cannot sync', 'warn');
  return h(
    'tr',
    { 'data-table': t.name },
    h('td', {}, h('div', { class: 'strong' }, t.displayName), h('code', {}, t.name)),
    h('td', {}, state, t.depth ? h('div', { class: 'hint' }, `level ${t.depth}`) : null),
    h(
      'td',
      {},
      t.links.map((l) => h('div', {}, h('code', {}, l))),
    ),
    h(
      'td',
      {},
      t.reasons.map((r) => h('div', { class: 'hint' }, r)),
    ),
    h('td', {}, actionButton(t), t.enabled ? columnsLink(t) : null),
  );
}

function columnsLink(t) {
  const a = h('a', { href: '#', class: 'pad' }, 'Columns');
  a.addEventListener('click', (e) => {
    e.preventDefault();
    void showColumns(t.name);
  });
  return a;
}

async function showColumns(name) {
  const { fields } = await api(`/api/custom-tables/${name}/columns`);
  const chosen = new Set(fields.filter((f) => f.selected).map((f) => f.logicalName));
  const rows = fields.map((f) => {
    const box = h('input', {
      type: 'checkbox',
      'aria-label': `Sync ${f.logicalName}`,
      checked: chosen.has(f.logicalName),
      disabled: f.availability !== 'readable' && !chosen.has(f.logicalName),
    });
    box.addEventListener('change', () => (box.checked ? chosen.add(f.logicalName) : chosen.delete(f.logicalName)));
    return h(
      'tr',
      { 'data-field': f.logicalName },
      h('td', { class: 'check-col' }, box),
      h('td', {}, h('code', {}, f.logicalName)),
      h('td', {}, f.type),
    );
  });
  const save = h('button', { type: 'button', class: 'button' }, 'Save columns');
  save.addEventListener(
    'click',
    busy(save, async () => {
      await api(`/api/custom-tables/${name}/columns`, { method: 'PUT', body: { selected: [...chosen] } });
      toast(`${name}: columns saved; the next cycle reads the table in full`);
    }),
  );
  replace(
    document.getElementById('custom-columns'),
    h(
      'section',
      { class: 'card flush' },
      h('h2', { class: 'pad' }, `Columns of ${name}`),
      table(['', 'Column', 'Type'], rows),
      h('div', { class: 'pad' }, save),
    ),
  );
}

async function load() {
  const { tables } = await api('/api/custom-tables');
  replace(
    page(),
    h(
      'p',
      { class: 'muted' },
      'Custom tables linked to a lead, contact or account (directly or through one more table) sync one way, from Dynamics. Enable or disable them between sync cycles.',
    ),
    h(
      'section',
      { class: 'card flush' },
      table(
        ['Table', 'State', 'Links', 'Why not', ''],
        tables.length ? tables.map(tableRow) : emptyRow(5, 'Dynamics has no custom tables.'),
      ),
    ),
    h('div', { id: 'custom-columns' }),
  );
}

run(load);
