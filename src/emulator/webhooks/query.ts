/**
 * `$filter`, `$select` and `$top` over the registration tables' in-memory rows. The expressions
 * are parsed by the data plane's parser; evaluation here is over plain values (these tables are a
 * handful of rows, not column stores). GUIDs and strings compare case-insensitively, as SQL does.
 */
import { badRequest } from '../errors.js';
import type { FilterExpr, Operand } from '../odata/filter-ast.js';
import { parseFilter } from '../odata/filter-parser.js';

type Row = Record<string, unknown>;

export function queryRows(rows: readonly Row[], query: URLSearchParams): Row[] {
  const filter = query.get('$filter');
  const test = filter ? compile(parseFilter(filter)) : () => true;
  const top = query.get('$top');
  const limit = top === null ? Infinity : Number(top);
  if (top !== null && (!Number.isInteger(limit) || limit < 0)) throw badRequest(`Invalid $top value '${top}'.`);
  const matched = rows.filter(test).slice(0, limit);
  return matched.map((r) => selectColumns(r, query.get('$select')));
}

export function selectColumns(row: Row, select: string | null): Row {
  if (!select) return row;
  const out: Row = {};
  for (const name of select.split(',').map((s) => s.trim())) {
    if (!(name in row)) throw badRequest(`Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM'.`);
    out[name] = row[name];
  }
  return out;
}

function compile(e: FilterExpr): (r: Row) => boolean {
  switch (e.kind) {
    case 'and': {
      const [l, r] = [compile(e.left), compile(e.right)];
      return (row) => l(row) && r(row);
    }
    case 'or': {
      const [l, r] = [compile(e.left), compile(e.right)];
      return (row) => l(row) || r(row);
    }
    case 'not': {
      const inner = compile(e.expr);
      return (row) => !inner(row);
    }
    case 'function': {
      const v = e.value.toLowerCase();
      return (row) => {
        const s = String(row[e.property] ?? '').toLowerCase();
        return e.name === 'contains' ? s.includes(v) : e.name === 'startswith' ? s.startsWith(v) : s.endsWith(v);
      };
    }
    case 'compare':
      return (row) => {
        const a = value(e.left, row);
        const b = value(e.right, row);
        if (e.op === 'eq') return a === b;
        if (e.op === 'ne') return a !== b;
        if (a === null || b === null) return false;
        if (e.op === 'gt') return a > b;
        if (e.op === 'ge') return a >= b;
        if (e.op === 'lt') return a < b;
        return a <= b;
      };
  }
}

function value(o: Operand, row: Row): string | number | boolean | null {
  if (o.kind === 'property') {
    if (!(o.name in row)) throw badRequest(`Could not find a property named '${o.name}'.`);
    return norm(row[o.name]);
  }
  if (o.kind === 'null') return null;
  if (o.kind === 'datetime') return o.value;
  return norm(o.value);
}

const norm = (v: unknown): string | number | boolean | null =>
  typeof v === 'string' ? v.toLowerCase() : typeof v === 'number' || typeof v === 'boolean' ? v : null;
