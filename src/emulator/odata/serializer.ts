/**
 * Row serialization straight to JSON text: one precomputed writer per selected property, so serving
 * a 5,000-row page allocates strings, not row objects. Property order follows Dataverse's responses:
 * `@odata.etag`, the selected columns (lookup annotations before their value), the primary key last.
 */
import { Annotation } from '../../wire/index.js';
import type { PropertyRef } from '../data/properties.js';
import type { TableStore } from '../data/table-store.js';
import type { ColumnDef } from '../schema/types.js';
import {
  formattedBoolean,
  formattedDate,
  formattedDateTime,
  formattedMoney,
  formattedNumber,
  isoDate,
  isoDateTime,
} from './format.js';
import { wantsAnnotation } from './prefer.js';

export interface SerializeOptions {
  annotations: readonly string[];
  /** Secured columns the caller may not read: always null, without annotations. */
  unreadable: ReadonlySet<string>;
  /** Primary name of a referenced row, for lookup FormattedValue annotations. */
  nameOf(table: string, id: string): string | null;
}

export type RowWriter = (row: number) => string;
type Part = (row: number) => string;

const q = JSON.stringify;
/**
 * Text JSON.stringify would change: quotes, backslashes, control characters, and surrogates (a lone
 * one is escaped; pairs are left to JSON.stringify too, for simplicity). Most values have none, and
 * testing is about twice as fast as stringifying.
 */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

export function createRowWriter(store: TableStore, props: readonly PropertyRef[], opts: SerializeOptions): RowWriter {
  const versions = store.column('versionnumber')!;
  const ids = store.ids;
  const pkKey = `,${q(store.def.primaryIdAttribute)}:"`;
  const parts: Part[] = props.map((p) => propertyWriter(p, opts));
  const n = parts.length;
  return (row) => {
    let s = `{"@odata.etag":"W/\\"${versions.get(row) as number}\\""`;
    for (let i = 0; i < n; i++) s += parts[i]!(row);
    return `${s}${pkKey}${ids[row]}"}`;
  };
}

function propertyWriter(p: PropertyRef, opts: SerializeOptions): Part {
  const def = p.def;
  const key = `,${q(p.wire)}:`;
  if (!def) return (row) => `${key}"${p.get(row) as string}"`;
  if (opts.unreadable.has(def.logicalName)) return () => `${key}null`;
  const fmtKey = wantsAnnotation(opts.annotations, Annotation.FormattedValue)
    ? `,${q(`${p.wire}@${Annotation.FormattedValue}`)}:`
    : undefined;
  if (p.lookup) return lookupWriter(p, key, fmtKey, opts);
  const value = valueWriter(def);
  const formatted = fmtKey ? formattedWriter(def) : undefined;
  if (!formatted) return (row) => key + value(p.get(row));
  return (row) => {
    const v = p.get(row);
    const f = v === null ? undefined : formatted(v);
    return f === undefined ? key + value(v) : `${fmtKey}${q(f)}${key}${value(v)}`;
  };
}

/** Writes a stored value; anything of an unexpected JS type (a corrupted cell) goes out as-is. */
function valueWriter(def: ColumnDef): (v: unknown) => string {
  switch (def.type) {
    case 'DateTime':
      return def.dateOnly
        ? (v) => (typeof v === 'number' ? `"${isoDate(v)}"` : q(v ?? null))
        : (v) => (typeof v === 'number' ? `"${isoDateTime(v)}"` : q(v ?? null));
    case 'Integer':
    case 'BigInt':
    case 'Money':
    case 'Decimal':
    case 'Double':
    case 'Picklist':
    case 'State':
    case 'Status':
      return (v) => (typeof v === 'number' ? String(v) : q(v ?? null));
    case 'Boolean':
      return (v) => (v === true ? 'true' : v === false ? 'false' : q(v ?? null));
    default:
      return (v) => (v === null ? 'null' : typeof v === 'string' && !NEEDS_ESCAPE.test(v) ? `"${v}"` : q(v));
  }
}

function formattedWriter(def: ColumnDef): ((v: unknown) => string | undefined) | undefined {
  switch (def.type) {
    case 'Picklist':
    case 'State':
    case 'Status': {
      const labels = new Map(def.options?.map((o) => [o.value, o.label]));
      return (v) => labels.get(v as number);
    }
    case 'Money':
      return (v) => (typeof v === 'number' ? formattedMoney(v) : undefined);
    case 'Integer':
    case 'Decimal':
    case 'Double':
      return (v) => (typeof v === 'number' ? formattedNumber(v) : undefined);
    case 'DateTime':
      return (v) => (typeof v !== 'number' ? undefined : def.dateOnly ? formattedDate(v) : formattedDateTime(v));
    case 'Boolean':
      return (v) => (typeof v === 'boolean' ? formattedBoolean(def.logicalName, v) : undefined);
    default:
      return undefined;
  }
}

/**
 * Which single-valued navigation property a lookup value came through (what $expand would use): a
 * polymorphic lookup (Customer, or a Lookup to several tables) has one per target, as in $metadata.
 */
export function navigationProperty(def: ColumnDef, target: string): string {
  return def.type === 'Customer' || (def.targets?.length ?? 0) > 1 ? `${def.logicalName}_${target}` : def.logicalName;
}

function lookupWriter(p: PropertyRef, key: string, fmtKey: string | undefined, opts: SerializeOptions): Part {
  const def = p.def!;
  const col = p.lookup!;
  const navKey = wantsAnnotation(opts.annotations, Annotation.AssociatedNavigationProperty)
    ? `,${q(`${p.wire}@${Annotation.AssociatedNavigationProperty}`)}:`
    : undefined;
  const lnKey = wantsAnnotation(opts.annotations, Annotation.LookupLogicalName)
    ? `,${q(`${p.wire}@${Annotation.LookupLogicalName}`)}:`
    : undefined;
  if (!fmtKey && !navKey && !lnKey) {
    return (row) => {
      const v = col.get(row);
      return v === null ? `${key}null` : key + q(v);
    };
  }
  return (row) => {
    const v = col.get(row);
    const target = col.target(row);
    if (v === null || typeof v !== 'string' || target === null) return key + q(v ?? null);
    let s = '';
    if (fmtKey) {
      const name = opts.nameOf(target, v);
      if (name !== null) s += fmtKey + q(name);
    }
    if (navKey) s += navKey + q(navigationProperty(def, target));
    if (lnKey) s += lnKey + q(target);
    return `${s}${key}"${v}"`;
  };
}
