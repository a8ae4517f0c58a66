/**
 * The other direction of convert.ts: a stored local value as the Web API takes it in a write body.
 * Picklists are stored by label and written by option value. Lookups, owner, state and status are
 * not written by field edits (they need `@odata.bind` or their own messages, e.g. QualifyLead).
 */
import type { CatalogField } from '../domain/index.js';

const WRITABLE_TYPES = new Set([
  'String',
  'Memo',
  'Integer',
  'BigInt',
  'Money',
  'Decimal',
  'Double',
  'Boolean',
  'Picklist',
  'DateTime',
]);

/** Whether field edits of this column can be written to Dynamics at all (the user's rights aside). */
export const isWritableType = (f: Pick<CatalogField, 'attributeType'>): boolean => WRITABLE_TYPES.has(f.attributeType);

/** The wire value, or undefined when the local value has no wire form (an unknown label). */
export function toWireValue(field: CatalogField, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (field.attributeType !== 'Picklist') return value;
  return field.options?.find((o) => o.label === value)?.value;
}
