// The read-only Microsoft system fields every person carries (the REST API's microsoftType,
// microsoftCreatedDate, microsoftIsDeleted): the sync's facts, shown, never edited.
import { badge, formatDate, h } from './dom.js';

/** Lead, Contact, or "—" for a person that exists only in marketing. */
export const microsoftType = (p) => p.dynamicsType ?? '—';

export const deletedBadge = (p) => (p.dynamicsDeleted ? badge('deleted in Dynamics', 'warn') : null);

/** [label, REST name, value] for each field. */
export function microsoftFields(p) {
  return [
    ['Microsoft Type', 'microsoftType', microsoftType(p)],
    ['Microsoft Created Date', 'microsoftCreatedDate', formatDate(p.dynamicsCreatedOn)],
    ['Microsoft is Deleted', 'microsoftIsDeleted', p.dynamicsDeleted ? 'Yes' : 'No'],
  ];
}

/** A read-only definition list of the three fields. */
export function microsoftFieldList(p) {
  return h(
    'dl',
    { class: 'fields', id: 'microsoft-fields' },
    microsoftFields(p).map(([label, name, value]) => [
      h('dt', {}, label, ' ', h('code', {}, name)),
      h('dd', { 'data-field': name }, value),
    ]),
  );
}
