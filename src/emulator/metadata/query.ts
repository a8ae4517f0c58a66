/**
 * The small query language metadata endpoints accept: `$select` of top-level properties and a
 * `$filter` of comparisons joined by and/or/not, e.g. `LogicalName eq 'account'`,
 * `ChangeTrackingEnabled eq true`, `AttributeType eq Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist'`.
 */
import { DvCode } from '../../wire/index.js';
import { badRequest } from '../errors.js';

type Obj = Record<string, unknown>;
type Literal = string | number | boolean | null;
type Predicate = (o: Obj) => boolean;

const queryError = (message: string) => badRequest(message, DvCode.QueryValidation);

/** Parses `$select`; every name must be a property the type has. Returns undefined for "all". */
export function parseSelect(raw: string | null, known: ReadonlySet<string>, typeName: string): string[] | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
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

const TOKEN = /\s*(\(|\)|'(?:[^']|'')*'|[A-Za-z_][\w.]*'(?:[^']|'')*'|[^\s()]+)/y;

function tokenize(filter: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN.lastIndex < filter.length && (m = TOKEN.exec(filter))) out.push(m[1]!);
  if (filter.slice(TOKEN.lastIndex).trim() !== '') throw queryError(`Syntax error in $filter: '${filter}'.`);
  return out;
}

function literal(tok: string): Literal {
  const enumLit = /^[A-Za-z_][\w.]*'((?:[^']|'')*)'$/.exec(tok);
  if (enumLit) return enumLit[1]!.replace(/''/g, "'");
  if (tok.startsWith("'")) return tok.slice(1, -1).replace(/''/g, "'");
  if (tok === 'true' || tok === 'false') return tok === 'true';
  if (tok === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(tok)) return Number(tok);
  if (/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(tok)) return tok.toLowerCase();
  throw queryError(`Unsupported literal '${tok}' in $filter.`);
}

const valueAt = (o: Obj, path: string): unknown =>
  path.split('/').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Obj)[k] : undefined), o);

/** Ordering compares numbers with numbers and strings with strings; anything else is false. */
const order = (a: unknown, b: Literal): number | undefined =>
  typeof a === 'number' && typeof b === 'number' ? a - b : typeof a === 'string' && typeof b === 'string' ? a.localeCompare(b) : undefined;
const ordered = (test: (d: number) => boolean) => (a: unknown, b: Literal): boolean => {
  const d = order(a, b);
  return d !== undefined && test(d);
};

const COMPARE: Record<string, (a: unknown, b: Literal) => boolean> = {
  eq: (a, b) => (a ?? null) === b || (typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase()),
  ne: (a, b) => !COMPARE.eq!(a, b),
  gt: ordered((d) => d > 0),
  ge: ordered((d) => d >= 0),
  lt: ordered((d) => d < 0),
  le: ordered((d) => d <= 0),
};

/** Compiles `$filter` into a predicate over a serialized metadata object. */
export function parseFilter(raw: string | null, known: ReadonlySet<string>, typeName: string): Predicate {
  if (raw === null || raw.trim() === '') return () => true;
  const toks = tokenize(raw);
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const next = (): string => {
    const t = toks[i++];
    if (t === undefined) throw queryError(`Unexpected end of $filter: '${raw}'.`);
    return t;
  };
  const primary = (): Predicate => {
    const t = next();
    if (t === 'not') {
      const inner = primary();
      return (o) => !inner(o);
    }
    if (t === '(') {
      const inner = expr();
      if (next() !== ')') throw queryError(`Expected ')' in $filter: '${raw}'.`);
      return inner;
    }
    if (!known.has(t.split('/')[0]!)) throw queryError(`Could not find a property named '${t}' on type '${typeName}'.`);
    const op = next();
    const cmp = COMPARE[op];
    if (!cmp) throw queryError(`Unsupported operator '${op}' in $filter.`);
    const lit = literal(next());
    return (o) => cmp(valueAt(o, t), lit);
  };
  const conj = (): Predicate => {
    let left = primary();
    while (peek() === 'and') {
      i++;
      const l = left, r = primary();
      left = (o) => l(o) && r(o);
    }
    return left;
  };
  const expr = (): Predicate => {
    let left = conj();
    while (peek() === 'or') {
      i++;
      const l = left, r = conj();
      left = (o) => l(o) || r(o);
    }
    return left;
  };
  const pred = expr();
  if (i !== toks.length) throw queryError(`Syntax error in $filter: '${raw}'.`);
  return pred;
}
