/**
 * The read-only Microsoft system fields every person carries (behavior-reference §1.1): its
 * Dynamics type, when Dynamics created it, and whether Dynamics deleted it. They are the sync's
 * facts, not Dynamics columns: readable and filterable, never written (a write is refused per record).
 */
import type { PersonFilter, RestPerson } from '../../store/records/rest-queries.js';
import { RestCode, RestError } from './envelope.js';

export const MICROSOFT_FIELDS = [
  { name: 'microsoftType', displayName: 'Microsoft Type', dataType: 'string', length: 255 },
  { name: 'microsoftCreatedDate', displayName: 'Microsoft Created Date', dataType: 'datetime', length: null },
  { name: 'microsoftIsDeleted', displayName: 'Microsoft is Deleted', dataType: 'boolean', length: null },
] as const;

export type MicrosoftFieldName = (typeof MICROSOFT_FIELDS)[number]['name'];

export const isMicrosoftField = (name: string): name is MicrosoftFieldName =>
  MICROSOFT_FIELDS.some((f) => f.name === name);

/** The value as the REST API shows it: `Lead`, `Contact` or null (marketing-only); ISO date; boolean. */
export function microsoftValue(
  name: MicrosoftFieldName,
  p: Pick<RestPerson, 'dynamicsType' | 'dynamicsCreatedOn' | 'dynamicsDeleted'>,
): unknown {
  switch (name) {
    case 'microsoftType':
      return p.dynamicsType;
    case 'microsoftCreatedDate':
      return p.dynamicsCreatedOn?.toISOString() ?? null;
    case 'microsoftIsDeleted':
      return p.dynamicsDeleted;
  }
}

const invalid = (v: string, name: string, want: string) =>
  new RestError(RestCode.InvalidValue, `Invalid value '${v.slice(0, 100)}' for ${name}: ${want}`);

const TYPES: Readonly<Record<string, 'Lead' | 'Contact' | ''>> = { lead: 'Lead', contact: 'Contact', null: '' };

/** filterType on a Microsoft field; values are checked here so a typo is an error, not an empty page. */
export function microsoftFilter(name: MicrosoftFieldName, values: readonly string[]): PersonFilter {
  switch (name) {
    case 'microsoftType':
      return {
        kind: name,
        values: values.map(
          (v) =>
            TYPES[v.toLowerCase()] ??
            throwIt(invalid(v, name, 'use Lead, Contact, or null for a marketing-only person')),
        ),
      };
    case 'microsoftIsDeleted':
      return {
        kind: name,
        values: values.map((v) =>
          /^(true|false)$/i.test(v) ? v.toLowerCase() === 'true' : throwIt(invalid(v, name, 'use true or false')),
        ),
      };
    case 'microsoftCreatedDate':
      return {
        kind: name,
        values: values.map((v) => {
          const t = Date.parse(v);
          return /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(t)
            ? new Date(t).toISOString()
            : throwIt(invalid(v, name, 'use an ISO 8601 date-time'));
        }),
      };
  }
}

function throwIt(e: Error): never {
  throw e;
}
