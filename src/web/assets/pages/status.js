// Sync status: per table pending changes, last cycle, stored records; records in the last hour,
// the countdown to the next cycle, sync now, and records per cycle as a chart. Refreshes itself.
import { api } from '../lib/api.js';
import { cycleChart } from '../lib/chart.js';
import {
  badge,
  display,
  emptyRow,
  formatDate,
  formatNumber,
  h,
  page,
  relative,
  replace,
  table,
  toast,
} from '../lib/dom.js';
import { alertsCard } from '../lib/alerts-card.js';
import { renderHealthLine } from '../lib/health-line.js';
import { busy, run } from '../lib/shell.js';
import { countsInWords, tableState } from '../lib/words.js';

const TABLE_LABELS = {
  systemuser: 'Users → sales persons',
  account: 'Accounts → companies',
  contact: 'Contacts → people',
};
const REFRESH_MS = 10_000;
let latest = null;
let clockSkew = 0;

const stat = (label, value, id, note) =>
  h(
    'div',
    { class: 'stat card' },
    h('div', { class: 'stat-label' }, label),
    h('div', { class: 'stat-value', id }, value),
    note ? h('div', { class: 'stat-note' }, note) : null,
  );

function countdown() {
  const el = document.getElementById('next-cycle');
  if (!el || !latest) return;
  if (!latest.nextCycleAt) {
    el.textContent = latest.runner === 'running' ? 'running now' : '—';
    return;
  }
  const left = Math.max(0, Math.round((new Date(latest.nextCycleAt).getTime() - (Date.now() + clockSkew)) / 1000));
  el.textContent = left === 0 ? 'starting…' : `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
}

function phaseBadge(t) {
  const [text, kind] = tableState(t);
  return badge(text, kind);
}

function pendingCell(t) {
  if (t.pendingChanges !== null) return formatNumber(t.pendingChanges);
  // Dynamics was asked and failed: say why (a refused sign-in is not "unknown").
  if (t.pendingError)
    return h(
      'span',
      { class: 'pending-error', title: t.pendingError.message },
      t.pendingError.code === 'sign_in_failed' ? 'sign-in failed' : 'not answered',
    );
  return h('span', { class: 'muted', title: 'Unknown until the first cycle ends' }, 'unknown');
}

/** The runner's last attempt failed: what failed and when it tries again. */
function runnerAlert(s) {
  const health = s.runnerHealth;
  if (!health || health.state !== 'retrying' || !health.lastError) return null;
  const e = health.lastError;
  const what =
    e.code === 'sign_in_failed'
      ? 'Sign-in to Dynamics failed'
      : e.code === 'database_unavailable'
        ? 'The lead database is unavailable'
        : 'Sync is failing';
  return h(
    'div',
    { class: 'alert error', id: 'runner-failing' },
    h(
      'strong',
      {},
      `${what} (${health.consecutiveFailures} attempt${health.consecutiveFailures === 1 ? '' : 's'} in a row). `,
    ),
    `[${e.code}${e.reason ? `: ${e.reason}` : ''}] ${display(e.message)} `,
    h('span', { class: 'muted' }, s.nextCycleAt ? `Next attempt ${formatDate(s.nextCycleAt)}.` : ''),
  );
}

function tableRow(t) {
  const c = t.lastCycleCounts;
  return h(
    'tr',
    { 'data-table': t.table },
    h('th', { scope: 'row' }, TABLE_LABELS[t.table] ?? t.table),
    h('td', {}, phaseBadge(t), t.blockedReason ? h('div', { class: 'hint' }, t.blockedReason) : null),
    h('td', { class: 'num pending' }, pendingCell(t)),
    h(
      'td',
      {},
      t.lastCycle
        ? h(
            'span',
            { title: formatDate(t.lastCycle.startedAt) },
            `${relative(t.lastCycle.startedAt)} · ${t.lastCycle.status}`,
          )
        : 'never',
    ),
    h('td', { class: 'num last-hour' }, formatNumber(t.recordsLastHour)),
    h('td', { class: 'counts' }, c ? countsInWords(c) : '—'),
    h(
      'td',
      { class: 'num' },
      formatNumber(t.stored),
      t.deletedInDynamics
        ? h('div', { class: 'hint' }, `${formatNumber(t.deletedInDynamics)} deleted in Dynamics`)
        : null,
      t.stoppedBySyncFilter
        ? h('div', { class: 'hint sync-stopped' }, `${formatNumber(t.stoppedBySyncFilter)} stopped by the sync filter`)
        : null,
    ),
    h(
      'td',
      { class: 'error-cell' },
      t.lastError
        ? h(
            'a',
            { href: `/errors?entity=${t.table}`, title: formatDate(t.lastError.at) },
            `[${t.lastError.code}] ${display(t.lastError.message)}`,
          )
        : h('span', { class: 'muted' }, 'none'),
    ),
  );
}

/** The Dataverse budget used in the current window (requests and execution time), as the runner sampled it. */
function budgetStat(b) {
  if (!b) return stat('Dataverse budget this window', '—', 'dataverse-budget', 'no runner has sampled it yet');
  if (!b.current)
    return stat('Dataverse budget this window', '0 %', 'dataverse-budget', `last sampled ${formatDate(b.sampledAt)}`);
  const pct = Math.round((100 * b.executionMs.used) / Math.max(1, b.executionMs.limit));
  const seconds = (ms) => formatNumber(Math.round(ms / 1000));
  return stat(
    'Dataverse budget this window',
    `${pct} %`,
    'dataverse-budget',
    `${seconds(b.executionMs.used)} of ${seconds(b.executionMs.limit)} s execution, ` +
      `${formatNumber(b.requests.used)} of ${formatNumber(b.requests.limit)} requests (share ${Math.round(b.share * 100)} %)`,
  );
}

/** Push (Dataverse webhooks): on or off, the last notification, refused ones, change-to-visible. */
function pushStat(p) {
  if (!p) return null;
  const visible =
    p.lastChangeToVisibleMs === null ? '' : `, change-to-visible ${formatNumber(p.lastChangeToVisibleMs)} ms`;
  const last = p.lastNotificationAt ? `last notification ${relative(p.lastNotificationAt)}` : 'no notification yet';
  return stat(
    'Push from Dynamics',
    p.on ? 'on' : 'off',
    'push',
    p.on ? `${last}${visible}; ${formatNumber(p.refused)} refused` : `polling only; ${formatNumber(p.refused)} refused`,
  );
}

function render(s) {
  const syncNow = h(
    'button',
    { type: 'button', class: 'button primary', id: 'sync-now', disabled: s.runner !== 'running' },
    'Sync now',
  );
  syncNow.addEventListener(
    'click',
    busy(syncNow, async () => {
      await api('/api/sync-now', { method: 'POST' });
      toast('Sync requested: the next cycle starts now.', 'ok');
      setTimeout(() => refresh().catch(() => undefined), 1500);
    }),
  );
  const last = s.cycles[s.cycles.length - 1];
  renderHealthLine(s.health);
  replace(
    page(),
    h('div', { class: 'toolbar' }, h('p', { class: 'muted grow' }, `Updated ${formatDate(s.serverTime)}`), syncNow),
    runnerAlert(s),
    s.runner !== 'running'
      ? h(
          'div',
          { class: 'alert info' },
          'No sync runner runs in this server process, so “Sync now” is off. Start dynasync with `run` or `demo`.',
        )
      : null,
    h(
      'div',
      { class: 'stats' },
      stat('Records synced in the last hour', formatNumber(s.recordsLastHour), 'records-last-hour'),
      stat('Next cycle in', '—', 'next-cycle', s.nextCycleAt ? formatDate(s.nextCycleAt) : 'no cycle scheduled'),
      stat(
        'Last cycle',
        last ? `#${last.runId} ${last.status}` : 'none yet',
        'last-cycle',
        last ? `${formatNumber(last.records)} records, ${relative(last.startedAt)}` : null,
      ),
      budgetStat(s.dataverseBudget),
      pushStat(s.push),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Tables'),
      table(
        [
          'Table',
          'State',
          { label: 'Pending changes', num: true },
          'Last cycle',
          { label: 'Synced last hour', num: true },
          'Last cycle did',
          { label: 'Records stored', num: true },
          'Last error',
        ],
        s.tables.map(tableRow),
        { id: 'status-table' },
      ),
    ),
    quickSyncSection(s.quickSyncs ?? []),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Records synced per cycle'),
      s.cycles.length ? cycleChart(s.cycles) : table([], [emptyRow(1, 'No cycle has run yet.')]),
    ),
  );
  countdown();
}

// Quick syncs (newly selected fields filling): progress is rows read of the rows stored when it started.
function quickSyncSection(list) {
  const progress = (q) =>
    `${formatNumber(q.rowsDone)} / ${q.rowsTotal === null ? '?' : formatNumber(q.rowsTotal)}` +
    (q.rowsTotal ? ` (${Math.min(100, Math.round((100 * q.rowsDone) / q.rowsTotal))}%)` : '');
  const range = (q) =>
    q.range.from || q.range.to
      ? `modified ${q.range.from ? formatDate(q.range.from) : '…'} to ${q.range.to ? formatDate(q.range.to) : '…'}`
      : 'all records';
  const kind = { queued: 'neutral', running: 'info', done: 'ok', failed: 'error' };
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, 'Quick syncs'),
    table(
      [
        'Table',
        'Fields',
        'State',
        { label: 'Rows read', num: true },
        { label: 'Filled', num: true },
        'Records',
        'Error',
      ],
      list.length
        ? list.map((q) =>
            h(
              'tr',
              { 'data-quick-sync': String(q.id) },
              h('td', {}, display(TABLE_LABELS[q.entity] ?? q.entity)),
              h(
                'td',
                {},
                q.fields.map((f) => h('code', {}, f, ' ')),
              ),
              h('td', {}, badge(q.state, kind[q.state] ?? 'neutral')),
              h('td', { class: 'num' }, progress(q)),
              h('td', { class: 'num' }, formatNumber(q.rowsFilled)),
              h('td', {}, range(q)),
              h('td', {}, q.error ?? ''),
            ),
          )
        : [emptyRow(7, 'No quick sync: selecting a new field starts one.')],
      { id: 'quick-sync-table' },
    ),
  );
}

async function refresh() {
  latest = await api('/api/status');
  clockSkew = new Date(latest.serverTime).getTime() - Date.now();
  render(latest);
}

run(async () => {
  await refresh();
  // Below the page's refreshing part, so a refresh does not redraw it.
  page().after(await alertsCard());
  setInterval(countdown, 1000);
  setInterval(() => refresh().catch((err) => toast(err.message, 'error')), REFRESH_MS);
});
