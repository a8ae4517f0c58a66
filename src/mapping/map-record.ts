/**
 * Maps one wire row to the record the store applies. A row with any value that cannot be stored
 * is rejected whole (never half-applied) with the reason, so the page can go on without it.
 */
import { SkippableError } from '../domain/index.js';
import { convertValue, type LocalValue } from './convert.js';
import type { EntityPlan } from './plan.js';

export interface MappedRecord {
  readonly id: string;
  readonly fields: Record<string, LocalValue>;
  /** contact → its account (parentcustomerid when it points at an account). */
  readonly accountId: string | null;
  readonly ownerId: string | null;
  readonly email: string | null;
  readonly createdOn: string | null;
  readonly modifiedOn: string | null;
  /** versionnumber: the ETag of the row (persons keep it for If-Match). */
  readonly version: number | null;
  readonly modifiedBy: string | null;
  /** contact → the lead it was qualified from. */
  readonly originatingLeadId: string | null;
}

export type MapResult =
  | { readonly ok: true; readonly record: MappedRecord }
  | { readonly ok: false; readonly id: string | null; readonly error: SkippableError };

const LOOKUP_ENTITY = '@Microsoft.Dynamics.CRM.lookuplogicalname';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function mapRecord(plan: EntityPlan, row: Record<string, unknown>): MapResult {
  const rawId = row[plan.primaryKey];
  if (typeof rawId !== 'string' || rawId === '') {
    return { ok: false, id: null, error: new SkippableError('missing_id', `${plan.entity} row without ${plan.primaryKey}`) };
  }
  const id = rawId.toLowerCase();
  try {
    const fields: Record<string, LocalValue> = {};
    for (const f of plan.fields) fields[f.localName] = convertValue(f.field, row[f.wireName]);
    const email = typeof fields.email === 'string' ? fields.email : null;
    if (email !== null && !EMAIL.test(email)) {
      throw new SkippableError('invalid_email', `${plan.entity}.email: ${JSON.stringify(email.slice(0, 80))} is not an email address`);
    }
    return {
      ok: true,
      record: {
        id,
        fields,
        accountId: accountOf(row),
        ownerId: guidOrNull(row._ownerid_value),
        email,
        createdOn: stringOrNull(row.createdon),
        modifiedOn: stringOrNull(row.modifiedon),
        version: versionOf(row.versionnumber),
        modifiedBy: guidOrNull(row._modifiedby_value),
        originatingLeadId: guidOrNull(row._originatingleadid_value),
      },
    };
  } catch (err) {
    if (err instanceof SkippableError) return { ok: false, id, error: err };
    throw err;
  }
}

/** parentcustomerid is polymorphic: only an account parent makes a company link. */
function accountOf(row: Record<string, unknown>): string | null {
  const parent = row._parentcustomerid_value;
  if (typeof parent !== 'string') return null;
  const target = row[`_parentcustomerid_value${LOOKUP_ENTITY}`];
  return target === undefined || target === 'account' ? parent.toLowerCase() : null;
}

const guidOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v.toLowerCase() : null);
/** versionnumber is an Edm.Int64: a number, or a string when the service writes big numbers as strings. */
const versionOf = (v: unknown): number | null =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null;
const stringOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
