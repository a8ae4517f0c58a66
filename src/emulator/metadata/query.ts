/**
 * `$select` and `$filter` on metadata endpoints (EntityDefinitions, Attributes). The filter is parsed
 * by the same OData parser as table queries (odata/filter-parser.ts) and evaluated over the
 * serialized metadata object, e.g. `LogicalName eq 'account'`, `AttributeTypeName/Value eq 'StringType'`,
 * `AttributeType eq Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist'`.
 */
import { DvCode } from '../../wire/index.js';
import { badRequest } from '../errors.js';
import type { CompareOp, FilterExpr, Operand } from '../odata/filter-ast.js';
import { FilterSyntaxError } from '../odata/filter-lexer.js';
import { parseFilter as parseODataFilter } from '../odata/filter-parser.js';

type Obj = Record<string, unknown>;
type Predicate = (o: Obj) => boolean;

const queryError = (message: string) => badRequest(message, DvCode.QueryValidation);

/** Parses `$select`; every name must be a property the type has. Returns undefined for "all". */
export function parseSelect(raw: string | null, known: ReadonlySet<string>, typeName: string): string[] | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!known.has(n)) throw queryError(`Could not find a property named '${n}' on type '${typeName}'.`);
  }
  return names;
}

/** Keeps the selected properties, plus what Dataverse always returns (MetadataId, @odata.type). */
export function applySelect(o: Obj, select: string[] | undefined, keep: readonly string[] = []): Obj {
  if (!select) return o;
  const out: Obj = {};
  for (const k of ['@odata.type', ...select, 'MetadataId', ...keep]) if (k in o) out[k] = o[k];
  return out;
}

const valueAt = (o: Obj, path: string): unknown =>
  path.split('/').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Obj)[k] : undefined), o);

/** Ordering compares numbers with numbers and strings with strings; anything else is false. */
const order = (a: unknown, b: unknown): number | undefined =>
  typeof a === 'number' && typeof b === 'number'
    ? a - b
    : typeof a === 'string' && typeof b === 'string'
      ? a.localeCompare(b)
      : undefined;
const ordered =
  (test: (d: number) => boolean) =>
  (a: unknown, b: unknown): boolean => {
    const d = order(a, b);
    return d !== undefined && test(d);
  };
const equal = (a: unknown, b: unknown): boolean =>
  (a ?? null) === (b ?? null) ||
  (typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase());

const COMPARE: Record<CompareOp, (a: unknown, b: unknown) => boolean> = {
  eq: equal,
  ne: (a, b) => !equal(a, b),
  gt: ordered((d) => d > 0),
  ge: ordered((d) => d >= 0),
  lt: ordered((d) => d < 0),
  le: ordered((d) => d <= 0),
};

/** Compiles `$filter` into a predicate over a serialized metadata object. */
export function parseFilter(raw: string | null, known: ReadonlySet<string>, typeName: string): Predicate {
  if (raw === null || raw.trim() === '') return () => true;
  let expr: FilterExpr;
  try {
    expr = parseODataFilter(raw);
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw queryError(err.message);
    throw err;
  }
  const property = (name: string): string => {
    if (!known.has(name.split('/')[0]!))
      throw queryError(`Could not find a property named '${name}' on type '${typeName}'.`);
    return name;
  };
  const operand = (op: Operand): ((o: Obj) => unknown) => {
    if (op.kind === 'property') {
      const path = property(op.name);
      return (o) => valueAt(o, path);
    }
    const value = op.kind === 'null' ? null : op.kind === 'datetime' ? op.text : op.value;
    return () => value;
  };
  const compile = (e: FilterExpr): Predicate => {
    switch (e.kind) {
      case 'and': {
        const l = compile(e.left),
          r = compile(e.right);
        return (o) => l(o) && r(o);
      }
      case 'or': {
        const l = compile(e.left),
          r = compile(e.right);
        return (o) => l(o) || r(o);
      }
      case 'not': {
        const inner = compile(e.expr);
        return (o) => !inner(o);
      }
      case 'compare': {
        const l = operand(e.left),
          r = operand(e.right),
          cmp = COMPARE[e.op];
        return (o) => cmp(l(o), r(o));
      }
      case 'function': {
        const path = property(e.property),
          needle = e.value.toLowerCase();
        const test =
          e.name === 'contains'
            ? (s: string) => s.includes(needle)
            : e.name === 'startswith'
              ? (s: string) => s.startsWith(needle)
              : (s: string) => s.endsWith(needle);
        return (o) => {
          const v = valueAt(o, path);
          return typeof v === 'string' && test(v.toLowerCase());
        };
      }
    }
  };
  return compile(expr);
}
