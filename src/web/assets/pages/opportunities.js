// Opportunities (from Dynamics, read-only): all of them, or one company's (?company=<account id>).
import { api, query } from '../lib/api.js';
import { emptyRow, h, page, replace, table } from '../lib/dom.js';
import { OPPORTUNITY_HEADERS, opportunityRow } from '../lib/opportunities.js';
import { busy, run } from '../lib/shell.js';

const company = new URLSearchParams(location.search).get('company');
let cursor = null;

async function more(body, moreButton) {
  const r = await api(`/api/opportunities${query({ company: company ?? undefined, cursor, limit: 50 })}`);
  body.append(...r.items.map(opportunityRow));
  if (!body.children.length) body.append(emptyRow(OPPORTUNITY_HEADERS.length, 'No opportunity synced yet.'));
  cursor = r.nextCursor;
  moreButton.hidden = !cursor;
}

function render() {
  const body = h('tbody', { id: 'opportunity-rows' });
  const moreButton = h(
    'button',
    { type: 'button', class: 'button', id: 'more-opportunities', hidden: true },
    'Load more',
  );
  moreButton.addEventListener(
    'click',
    busy(moreButton, () => more(body, moreButton)),
  );
  const t = table(OPPORTUNITY_HEADERS, [], { id: 'opportunities-table' });
  t.querySelector('tbody').replaceWith(body);
  const note = h(
    'div',
    { class: 'toolbar' },
    company ? h('a', { href: '/opportunities' }, '← All opportunities') : null,
    h('span', { class: 'muted' }, 'Opportunities come from Dynamics, one way, and are never changed there from here.'),
  );
  replace(page(), note, h('div', { class: 'card flush' }, t), h('div', { class: 'more' }, moreButton));
  return more(body, moreButton);
}

run(render);
