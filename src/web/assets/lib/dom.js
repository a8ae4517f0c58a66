// Small DOM helpers. Text always goes in through textContent, never innerHTML, so values from
// Dynamics or the lead database can never become markup.

/** h('a', { href: '/x', class: 'link' }, 'text', child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const page = () => document.getElementById('page');

export function setTitle(text) {
  document.getElementById('page-title').textContent = text;
  document.title = `${text} · dynasync`;
}

export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  const t = h('div', { class: `toast ${kind}` }, message);
  box.append(t);
  setTimeout(() => t.remove(), kind === 'error' ? 8000 : 4000);
}

export function alertBox(message, kind = 'error') {
  return h('div', { class: `alert ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatDate(iso) {
  return iso ? dateFormat.format(new Date(iso)) : '—';
}

const numberFormat = new Intl.NumberFormat();
export const formatNumber = (n) => (n === null || n === undefined ? '—' : numberFormat.format(n));

/** "3 min ago", "in 42 s" */
export function relative(iso, now = Date.now()) {
  if (!iso) return '—';
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  const a = Math.abs(s);
  const text =
    a < 60
      ? `${a} s`
      : a < 3600
        ? `${Math.round(a / 60)} min`
        : a < 86400
          ? `${Math.round(a / 3600)} h`
          : `${Math.round(a / 86400)} d`;
  // This very second counts as past: a last use stamped now reads "0 s ago", not "in 0 s".
  return s > 0 ? `in ${text}` : `${text} ago`;
}

/** A value from a record as text: null as an em dash, objects as JSON. */
export function display(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function badge(text, kind = 'neutral') {
  return h('span', { class: `badge ${kind}` }, text);
}

/** A table with a header row (a header is a label, or `{ label, num: true }` for a number column). */
export function table(headers, rows, attrs = {}) {
  const th = (x) =>
    typeof x === 'string'
      ? h('th', { scope: 'col' }, x)
      : h('th', { scope: 'col', class: x.num ? 'num' : undefined }, x.label);
  return h('table', { class: 'table', ...attrs }, h('thead', {}, h('tr', {}, headers.map(th))), h('tbody', {}, rows));
}

export function emptyRow(colspan, text) {
  return h('tr', {}, h('td', { colspan, class: 'empty' }, text));
}
