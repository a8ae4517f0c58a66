// Opportunity rows, shared by the Opportunities page and the person page: stage, value, close date.
import { query } from './api.js';
import { badge, display, formatDate, formatNumber, h } from './dom.js';

export const OPPORTUNITY_HEADERS = [
  'Opportunity',
  'Stage',
  { label: 'Estimated value', num: true },
  { label: 'Probability', num: true },
  'Close date',
  'Company',
];

export function opportunityRow(o) {
  return h(
    'tr',
    { 'data-opportunity': o.dynamicsId },
    h(
      'td',
      {},
      h('span', { class: 'strong' }, display(o.name)),
      o.role ? [' ', badge(o.role)] : null,
      o.dynamicsDeleted ? [' ', badge('deleted in Dynamics', 'warn')] : null,
    ),
    h('td', { 'data-field': 'stage' }, display(o.stage)),
    h('td', { class: 'num', 'data-field': 'estimatedValue' }, formatNumber(o.estimatedValue)),
    h('td', { class: 'num' }, o.closeProbability === null ? '—' : `${o.closeProbability} %`),
    h('td', { 'data-field': 'actualCloseDate' }, o.actualCloseDate ? formatDate(o.actualCloseDate) : '—'),
    h(
      'td',
      {},
      o.company
        ? h('a', { href: `/opportunities${query({ company: o.company.dynamicsId })}` }, display(o.company.name))
        : '—',
    ),
  );
}
