/**
 * Turns a write body into column assignments, refusing what Dataverse refuses: unknown properties,
 * `_x_value` writes, wrong JSON types, over-long strings, values out of range or not in the option
 * set, binds to missing rows. Read-only columns (createdon, versionnumber, fullname...) are ignored,
 * as Dataverse ignores them.
 */
import { DvCode } from '../../wire/index.js';
import { DataverseHttpError, badRequest, notFound } from '../errors.js';
import type { ColumnDef } from '../schema/types.js';
import { type Cell, type ColumnStore, LookupColumn } from './columns.js';
import type { Database } from './database.js';
import type { TableStore } from './table-store.js';

export type Assignment =
  | { kind: 'value'; col: ColumnStore; value: Cell }
  | { kind: 'ref'; col: LookupColumn; id: string | null; target: string };

export type WriteMode = 'create' | 'update';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const REF = /(?:^|\/)([A-Za-z_][A-Za-z0-9_]*)\(\{?([0-9a-fA-F-]{36})\}?\)$/;

const typeName = (store: TableStore) => `Microsoft.Dynamics.CRM.${store.def.logicalName}`;

export function parseBody(db: Database, store: TableStore, body: unknown, mode: WriteMode): Assignment[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object describing the record.', DvCode.QueryValidation);
  }
  const out: Assignment[] = [];
  for (const [key, raw] of Object.entries(body as Record<string, unknown>)) {
    if (key.endsWith('@odata.bind')) out.push(parseBind(db, store, key.slice(0, -'@odata.bind'.length), raw));
    else if (key.includes('@') || key === store.def.primaryIdAttribute) continue;
    else {
      const a = parseValue(store, key, raw, mode);
      if (a) out.push(a);
    }
  }
  if (mode === 'create') checkRequired(store, out);
  return out;
}

function parseValue(store: TableStore, key: string, raw: unknown, mode: WriteMode): Assignment | undefined {
  if (/^_.+_value$/.test(key) && store.column(key.slice(1, -6))) {
    throw badRequest(
      'CRM do not support direct update of Entity Reference properties, Use Navigation properties instead.',
      '0x80048d19',
    );
  }
  const col = store.column(key);
  if (!col || col instanceof LookupColumn) {
    throw badRequest(
      `The property '${key}' does not exist on type '${typeName(store)}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      DvCode.QueryValidation,
    );
  }
  const def = col.def;
  if (mode === 'create' ? !def.isValidForCreate : !def.isValidForUpdate) return undefined;
  return { kind: 'value', col, value: coerce(store, def, raw) };
}

const cannotConvert = (raw: unknown, edm: string) =>
  badRequest(`Cannot convert the literal '${String(raw)}' to the expected type '${edm}'.`, DvCode.QueryValidation);

const validation = (message: string) => badRequest(`A validation error occurred. ${message}`, DvCode.Validation);

export function coerce(store: TableStore, def: ColumnDef, raw: unknown): Cell {
  if (raw === null) return null;
  const where = `of '${def.logicalName}' on record of type '${store.def.logicalName}'`;
  switch (def.type) {
    case 'String':
    case 'Memo':
    case 'EntityName': {
      if (typeof raw !== 'string') throw cannotConvert(raw, 'Edm.String');
      if (def.maxLength !== undefined && raw.length > def.maxLength) {
        throw validation(
          `The length of the '${def.logicalName}' attribute of the '${store.def.logicalName}' entity exceeded the maximum allowed length of '${def.maxLength}'.`,
        );
      }
      return raw;
    }
    case 'Integer':
    case 'BigInt':
    case 'Money':
    case 'Decimal':
    case 'Double': {
      const integral = def.type === 'Integer' || def.type === 'BigInt';
      if (typeof raw !== 'number' || !Number.isFinite(raw) || (integral && !Number.isInteger(raw))) {
        throw cannotConvert(raw, integral ? 'Edm.Int32' : 'Edm.Decimal');
      }
      if ((def.minValue !== undefined && raw < def.minValue) || (def.maxValue !== undefined && raw > def.maxValue)) {
        throw validation(
          `The value ${raw} ${where} is outside the valid range. Accepted Values: ${def.minValue} to ${def.maxValue}`,
        );
      }
      return def.type === 'Money' ? Math.round(raw * 100) / 100 : raw;
    }
    case 'Picklist':
    case 'State':
    case 'Status': {
      if (typeof raw !== 'number' || !Number.isInteger(raw)) throw cannotConvert(raw, 'Edm.Int32');
      if (!def.options?.some((o) => o.value === raw)) {
        throw validation(
          `The value ${raw} ${where} is outside the valid range. Accepted Values: ${def.options?.map((o) => o.value).join(',')}`,
        );
      }
      return raw;
    }
    case 'Boolean':
      if (typeof raw !== 'boolean') throw cannotConvert(raw, 'Edm.Boolean');
      return raw;
    case 'DateTime':
      return parseDate(def, raw);
    case 'Uniqueidentifier':
      if (typeof raw !== 'string' || !GUID.test(raw)) throw cannotConvert(raw, 'Edm.Guid');
      return raw.toLowerCase();
    default:
      throw cannotConvert(raw, def.type);
  }
}

function parseDate(def: ColumnDef, raw: unknown): number {
  const edm = def.dateOnly ? 'Edm.Date' : 'Edm.DateTimeOffset';
  if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(raw)) throw cannotConvert(raw, edm);
  const ms = Date.parse(raw.length === 10 ? `${raw}T00:00:00Z` : raw);
  if (Number.isNaN(ms)) throw cannotConvert(raw, edm);
  // Dataverse keeps whole seconds; DateOnly columns keep the calendar date.
  return def.dateOnly ? Math.floor(ms / 86_400_000) * 86_400_000 : Math.floor(ms / 1000) * 1000;
}

/** `parentcustomerid_account@odata.bind: "/accounts(<id>)"` → the lookup column, target and id. */
function parseBind(db: Database, store: TableStore, nav: string, raw: unknown): Assignment {
  const found = findNavigation(store, nav);
  if (!found) {
    throw badRequest(
      `An undeclared property '${nav}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`,
      DvCode.QueryValidation,
    );
  }
  const { col, fixedTarget } = found;
  if (raw === null) return { kind: 'ref', col, id: null, target: fixedTarget ?? col.def.targets![0]! };
  const m = typeof raw === 'string' ? REF.exec(raw) : null;
  if (!m)
    throw badRequest(
      `The value '${String(raw)}' of '${nav}@odata.bind' is not a valid entity reference URI.`,
      DvCode.QueryValidation,
    );
  const targetStore = db.storeBySet(m[1]!);
  const target = targetStore?.def.logicalName ?? m[1]!.replace(/s$/, '');
  const allowed = fixedTarget ? [fixedTarget] : (col.def.targets ?? []);
  if (!allowed.includes(target)) {
    throw badRequest(
      `The entity set '${m[1]}' is not a valid target of navigation property '${nav}'.`,
      DvCode.QueryValidation,
    );
  }
  const id = m[2]!.toLowerCase();
  if (!db.exists(target, id)) throw notFound(`${target} With Id = ${id} Does Not Exist`);
  return { kind: 'ref', col, id, target };
}

function findNavigation(store: TableStore, nav: string): { col: LookupColumn; fixedTarget?: string } | undefined {
  for (const col of store.columns.values()) {
    if (!(col instanceof LookupColumn) || !col.def.isValidForCreate) continue;
    // A lookup to several tables (Customer, a connection's record1id) has one navigation per target.
    const multi = col.def.type === 'Customer' || (col.def.type === 'Lookup' && (col.def.targets?.length ?? 0) > 1);
    if (!multi && col.def.logicalName === nav) return { col };
    for (const t of col.def.targets ?? []) {
      if (multi && `${col.def.logicalName}_${t}` === nav) return { col, fixedTarget: t };
    }
  }
  return undefined;
}

function checkRequired(store: TableStore, assignments: Assignment[]): void {
  for (const def of store.def.columns.values()) {
    if (def.requiredLevel !== 'ApplicationRequired') continue;
    const a = assignments.find((x) => x.col.def === def);
    const missing = !a || (a.kind === 'value' ? a.value === null || a.value === '' : a.id === null);
    if (missing) {
      throw new DataverseHttpError(
        400,
        DvCode.Validation,
        `A validation error occurred. The value of '${def.logicalName}' on record of type '${store.def.logicalName}' is required.`,
      );
    }
  }
}
