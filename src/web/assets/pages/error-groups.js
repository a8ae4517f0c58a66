// Open sync errors grouped by kind: a count, the category with its next step, first and last
// time; a group opens to its records (name, person page, the record in Dynamics for a real
// organization). Retry re-sends refused writes (a record or the group), or re-reads records that
// failed to come from Dynamics, by id, as the cycle would store them; Resolve hides an error until
// it happens again. A read error with no record to re-read says why.
import { api, query } from '../lib/api.js';
import { badge, display, formatDate, formatNumber, h, replace, toast } from '../lib/dom.js';
import { busy } from '../lib/shell.js';

const CATEGORY_KIND = { validation: 'warn', permission: 'danger', schema: 'info', data: 'warn', transient: 'neutral' };
const DIRECTION = { from_dynamics: 'Dynamics → lead database', to_dynamics: 'lead database → Dynamics' };
const TABLE = { systemuser: 'user', account: 'account', contact: 'contact', lead: 'lead' };

const plural = (n, one, many = `${one}s`) => `${formatNumber(n)} ${n === 1 ? one : many}`;

function action(label, cls, run) {
  const b = h('button', { type: 'button', class: `button small ${cls}` }, label);
  b.addEventListener('click', busy(b, run));
  return b;
}

/** The toast after a re-read: stored, still refused, or not found in Dynamics. */
function rereadWords(r) {
  const parts = [
    r.stored.length ? `${plural(r.stored.length, 'record')} read again and stored` : '',
    r.failed.length ? `${plural(r.failed.length, 'record')} still refused: ${r.failed[0].message}` : '',
    r.missing.length
      ? `${plural(r.missing.length, 'record')} not found in Dynamics (deleted, or out of the sync user’s reach)`
      : '',
  ].filter(Boolean);
  return [parts.join(' · ') || 'Nothing to read again.', r.failed.length || r.missing.length ? 'error' : 'ok'];
}

/** Why a read error has no Retry. */
function noRereadNote(g, r) {
  if (g.direction !== 'from_dynamics') return null;
  const why = r.recordId
    ? 'Records of a custom table are read again by its next cycle.'
    : 'A table-level error: the table is read again at the next cycle.';
  return h('div', { class: 'hint no-reread' }, why);
}

function recordRow(g, r, reload) {
  const name = r.name ?? (r.recordId ? 'not in the lead database' : 'the whole table');
  return h(
    'tr',
    { 'data-error': r.id },
    h(
      'td',
      {},
      r.personHref
        ? h('a', { href: r.personHref, class: 'record-name' }, name)
        : h('span', { class: 'record-name' }, name),
      h('div', { class: 'hint' }, h('code', {}, display(r.recordId))),
    ),
    h(
      'td',
      {},
      r.dynamicsHref
        ? h(
            'a',
            { href: r.dynamicsHref, target: '_blank', rel: 'noopener', class: 'dynamics-link' },
            'Open in Dynamics',
          )
        : '—',
    ),
    h('td', { class: 'message' }, r.message),
    h('td', { class: 'nowrap' }, formatDate(r.firstAt), h('div', { class: 'hint' }, `last ${formatDate(r.lastAt)}`)),
    h(
      'td',
      { class: 'nowrap' },
      r.retryable
        ? action('Retry', 'retry-one', async () => {
            await api(`/api/sync-errors/${r.id}/retry`, { method: 'POST' });
            toast('Queued again: the runner sends it within seconds.', 'ok');
            await reload();
          })
        : r.rereadable
          ? action('Retry', 'retry-one reread-one', async () => {
              const res = await api(`/api/sync-errors/${r.id}/retry`, { method: 'POST' });
              toast(...rereadWords(res.reread));
              await reload();
            })
          : noRereadNote(g, r),
      action('Resolve', 'resolve-one ghost', async () => {
        await api(`/api/sync-errors/${r.id}/resolve`, { method: 'POST' });
        toast('Resolved: hidden until it happens again.', 'ok');
        await reload();
      }),
    ),
  );
}

async function showRecords(g, box, reload) {
  const r = await api(`/api/sync-errors/groups/records${query({ ...g.key, limit: 50 })}`);
  replace(
    box,
    h(
      'table',
      { class: 'table group-records' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Record', 'In Dynamics', 'Message', 'First / last', ''].map((x) => h('th', { scope: 'col' }, x)),
        ),
      ),
      h(
        'tbody',
        {},
        r.records.map((rec) => recordRow(g, rec, reload)),
      ),
    ),
    r.nextCursor
      ? h('p', { class: 'muted' }, `The newest 50 of ${formatNumber(g.count)}; search below for the others.`)
      : null,
  );
}

function groupCard(g, reload) {
  const records = h('div', { class: 'group-body' });
  const toggle = h('button', { type: 'button', class: 'button small show-records' }, 'Show records');
  toggle.addEventListener(
    'click',
    busy(toggle, () => showRecords(g, records, reload)),
  );
  const column = g.column ? ` · column ${g.column}` : '';
  return h(
    'section',
    { class: 'card error-group', 'data-code': g.code, 'data-entity': g.entity, 'data-direction': g.direction },
    h(
      'div',
      { class: 'group-head' },
      h('span', { class: 'group-count' }, plural(g.count, 'record')),
      badge(g.category, CATEGORY_KIND[g.category] ?? 'neutral'),
      h('code', {}, g.code),
      h(
        'span',
        {},
        `${TABLE[g.entity] ?? g.entity} · ${g.operation} · ${DIRECTION[g.direction] ?? g.direction}${column}`,
      ),
    ),
    h('p', { class: 'next-step' }, h('strong', {}, 'Next step: '), g.nextStep),
    h('p', { class: 'muted sample' }, `e.g. ${g.sampleMessage}`),
    h(
      'p',
      { class: 'muted' },
      `First ${formatDate(g.firstAt)} · last ${formatDate(g.lastAt)} · seen ${plural(g.occurrences, 'time')}`,
    ),
    h(
      'div',
      { class: 'toolbar' },
      toggle,
      g.retryable
        ? action(`Retry ${plural(g.retryable, 'record')}`, 'primary retry-group', async () => {
            const r = await api('/api/sync-errors/groups/retry', { method: 'POST', body: g.key });
            toast(`${plural(r.writes, 'write')} queued again.`, 'ok');
            await reload();
          })
        : g.rereadable
          ? action(`Re-read ${plural(g.rereadable, 'record')}`, 'primary retry-group reread-group', async () => {
              const r = await api('/api/sync-errors/groups/retry', { method: 'POST', body: g.key });
              toast(...rereadWords(r.reread));
              await reload();
            })
          : null,
      action('Resolve all', 'ghost resolve-group', async () => {
        const r = await api('/api/sync-errors/groups/resolve', { method: 'POST', body: g.key });
        toast(`${plural(r.resolved, 'error')} resolved: hidden until they happen again.`, 'ok');
        await reload();
      }),
    ),
    records,
  );
}

/** Fills `box` with the open groups (of one table when `entity` is set); returns a reload function. */
export async function renderGroups(box, entity) {
  const reload = async () => {
    const { groups } = await api(`/api/sync-errors/groups${query({ entity })}`);
    replace(
      box,
      h(
        'h2',
        { id: 'groups-title' },
        groups.length ? `Open errors by kind (${formatNumber(groups.length)})` : 'No open errors',
      ),
      groups.length ? null : h('p', { class: 'muted' }, 'Every record synced, or its error was resolved.'),
      h(
        'div',
        { class: 'error-groups', id: 'error-groups' },
        groups.map((g) => groupCard(g, reload)),
      ),
    );
  };
  await reload();
  return reload;
}
