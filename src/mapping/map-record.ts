/**
 * Maps one wire row to the record the store applies. A row with any value that cannot be stored
 * is rejected whole (never half-applied) with the reason, so the page can go on without it.
 */
import { SkippableError } from '../domain/index.js';
import { BadValueError, badValue, checkDate, checkGuid } from './check-value.js';
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
  /** opportunity → its customerid: a contact or an account (the table from the lookup annotation). */
  readonly customer?: { readonly id: string; readonly table: string | null } | null;
  /** The plan's `lookupTables`: which table each of those lookups points at in this row. */
  readonly lookupTables?: Readonly<Record<string, string>>;
}

export type MapResult =
  | { readonly ok: true; readonly record: MappedRecord }
  | { readonly ok: false; readonly id: string | null; readonly column: string; readonly error: SkippableError };

const LOOKUP_ENTITY = '@Microsoft.Dynamics.CRM.lookuplogicalname';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function mapRecord(plan: EntityPlan, row: Record<string, unknown>): MapResult {
  const rawId = row[plan.primaryKey];
  if (typeof rawId !== 'string' || rawId === '') {
    const error = new BadValueError('missing_id', plan.entity, plan.primaryKey, `row without ${plan.primaryKey}`);
    return { ok: false, id: null, column: plan.primaryKey, error };
  }
  let id: string | null = null;
  try {
    id = checkGuid(plan.entity, plan.primaryKey, rawId);
    const fields: Record<string, LocalValue> = {};
    for (const f of plan.fields) fields[f.localName] = convertValue(f.field, row[f.wireName]);
    const email = typeof fields.email === 'string' ? fields.email : null;
    if (email !== null && !EMAIL.test(email)) {
      const column = plan.fields.find((f) => f.localName === 'email')?.field.logicalName ?? 'email';
      badValue('invalid_email', plan.entity, column, `${JSON.stringify(email.slice(0, 80))} is not an email address`);
    }
    const system = (column: string, check: (e: string, c: string, v: unknown) => string, wire = column) =>
      row[wire] === null || row[wire] === undefined || row[wire] === '' ? null : check(plan.entity, column, row[wire]);
    return {
      ok: true,
      record: {
        id,
        fields,
        accountId: accountOf(row, system('parentcustomerid', checkGuid, '_parentcustomerid_value')),
        ownerId: system('ownerid', checkGuid, '_ownerid_value'),
        email,
        createdOn: system('createdon', checkDate),
        modifiedOn: system('modifiedon', checkDate),
        version: versionOf(row),
        modifiedBy: system('modifiedby', checkGuid, '_modifiedby_value'),
        originatingLeadId: system('originatingleadid', checkGuid, '_originatingleadid_value'),
        customer: customerOf(row, system('customerid', checkGuid, '_customerid_value')),
        ...(plan.lookupTables ? { lookupTables: lookupTablesOf(plan.lookupTables, row) } : {}),
      },
    };
  } catch (err) {
    if (err instanceof SkippableError)
      return { ok: false, id, column: err instanceof BadValueError ? err.column : '', error: err };
    throw err;
  }
}

/** parentcustomerid is polymorphic: only an account parent makes a company link. */
function accountOf(row: Record<string, unknown>, parent: string | null): string | null {
  if (parent === null) return null;
  const target = row[`_parentcustomerid_value${LOOKUP_ENTITY}`];
  return target === undefined || target === 'account' ? parent : null;
}

function customerOf(row: Record<string, unknown>, id: string | null): MappedRecord['customer'] {
  if (id === null) return null;
  const table = row[`_customerid_value${LOOKUP_ENTITY}`];
  return { id, table: typeof table === 'string' ? table : null };
}

function lookupTablesOf(
  lookups: NonNullable<EntityPlan['lookupTables']>,
  row: Record<string, unknown>,
): Record<string, string> {
  const tables: Record<string, string> = {};
  for (const l of lookups) {
    const table = row[`${l.wireName}${LOOKUP_ENTITY}`];
    if (typeof table === 'string' && row[l.wireName] != null) tables[l.localName] = table;
  }
  return tables;
}

const ETAG = /^W\/"(\d+)"$/;

/** versionnumber when selected, else the `@odata.etag` Dataverse puts on every row (`W/"<versionnumber>"`). */
function versionOf(row: Record<string, unknown>): number | null {
  if (typeof row.versionnumber === 'number' && Number.isSafeInteger(row.versionnumber)) return row.versionnumber;
  // Edm.Int64 may come as a string when the service writes big numbers as strings.
  if (typeof row.versionnumber === 'string' && /^\d+$/.test(row.versionnumber)) return Number(row.versionnumber);
  const m = typeof row['@odata.etag'] === 'string' ? ETAG.exec(row['@odata.etag']) : null;
  const v = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(v) ? v : null;
}
