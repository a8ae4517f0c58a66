/**
 * Compiles a `$filter` tree into a row predicate over columnar storage. Strings compare
 * case-insensitively, as Dataverse's SQL collation does; a comparison with null is only true for
 * `eq null` / `ne null` (and `ne <value>` on a null column), as in OData.
 */
import { DvCode } from '../../wire/index.js';
import { badRequest } from '../errors.js';
import { resolveProperty, type PropertyRef } from '../data/properties.js';
import type { TableStore } from '../data/table-store.js';
import type { ColumnType } from '../schema/types.js';
import type { CompareOp, FilterExpr, Literal, Operand } from './filter-ast.js';

export type RowPredicate = (row: number) => boolean;

export function compileFilter(store: TableStore, expr: FilterExpr): RowPredicate {
  switch (expr.kind) {
    case 'and': {
      const l = compileFilter(store, expr.left);
      const r = compileFilter(store, expr.right);
      return (row) => l(row) && r(row);
    }
    case 'or': {
      const l = compileFilter(store, expr.left);
      const r = compileFilter(store, expr.right);
      return (row) => l(row) || r(row);
    }
    case 'not': {
      const inner = compileFilter(store, expr.expr);
      return (row) => !inner(row);
    }
    case 'function':
      return compileStringFunction(store, expr.name, expr.property, expr.value);
    case 'compare':
      return compileCompare(store, expr.op, expr.left, expr.right);
  }
}

function compileStringFunction(store: TableStore, fn: string, property: string, value: string): RowPredicate {
  const prop = resolveProperty(store, property);
  if (prop.def && prop.def.type !== 'String' && prop.def.type !== 'Memo') {
    throw badRequest(
      `The function '${fn}' is not supported on '${property}' of type ${edmType(prop.def.type)}.`,
      DvCode.QueryValidation,
    );
  }
  const needle = value.toLowerCase();
  const test =
    fn === 'contains'
      ? (s: string) => s.includes(needle)
      : fn === 'startswith'
        ? (s: string) => s.startsWith(needle)
        : (s: string) => s.endsWith(needle);
  return (row) => {
    const v = prop.get(row);
    return typeof v === 'string' && test(v.toLowerCase());
  };
}

type Getter = (row: number) => unknown;

function compileCompare(store: TableStore, op: CompareOp, left: Operand, right: Operand): RowPredicate {
  const l = operandGetter(store, left, right);
  const r = operandGetter(store, right, left);
  const cmp = comparator(op);
  return (row) => cmp(l(row), r(row));
}

function operandGetter(store: TableStore, op: Operand, other: Operand): Getter {
  if (op.kind === 'property') {
    const prop = resolveProperty(store, op.name);
    const normalize = normalizer(prop);
    return (row) => normalize(prop.get(row));
  }
  if (other.kind === 'property') checkLiteral(store, resolveProperty(store, other.name), op);
  const value = literalValue(op);
  return () => value;
}

/** Strings lower-cased for case-insensitive comparison; everything else as stored. */
function normalizer(prop: PropertyRef): (v: unknown) => unknown {
  const t = prop.def?.type;
  if (t === 'String' || t === 'Memo' || t === 'EntityName') return (v) => (typeof v === 'string' ? v.toLowerCase() : v);
  return (v) => v;
}

function literalValue(lit: Literal): unknown {
  switch (lit.kind) {
    case 'null':
      return null;
    case 'string':
      return lit.value.toLowerCase();
    case 'guid':
      return lit.value;
    default:
      return lit.value;
  }
}

const LITERAL_TYPES: Record<Literal['kind'], string> = {
  string: 'Edm.String',
  number: 'Edm.Int32',
  boolean: 'Edm.Boolean',
  null: 'null',
  guid: 'Edm.Guid',
  datetime: 'Edm.DateTimeOffset',
};

function accepts(type: ColumnType | undefined, lit: Literal['kind']): boolean {
  if (lit === 'null') return true;
  switch (type) {
    case undefined:
    case 'Uniqueidentifier':
    case 'Lookup':
    case 'Customer':
    case 'Owner':
      return lit === 'guid' || lit === 'string';
    case 'String':
    case 'Memo':
    case 'EntityName':
      return lit === 'string' || lit === 'guid';
    case 'Boolean':
      return lit === 'boolean';
    case 'DateTime':
      return lit === 'datetime';
    default:
      return lit === 'number';
  }
}

function checkLiteral(store: TableStore, prop: PropertyRef, lit: Literal): void {
  if (accepts(prop.def?.type, lit.kind)) return;
  throw badRequest(
    `A binary operator with incompatible types was detected. Found operand types '${edmType(prop.def?.type)}' and ` +
      `'${LITERAL_TYPES[lit.kind]}' for operator kind 'Equal' (property '${prop.wire}' of ` +
      `'Microsoft.Dynamics.CRM.${store.def.logicalName}').`,
    DvCode.QueryValidation,
  );
}

export function edmType(t: ColumnType | undefined): string {
  switch (t) {
    case undefined:
    case 'Uniqueidentifier':
    case 'Lookup':
    case 'Customer':
    case 'Owner':
      return 'Edm.Guid';
    case 'Integer':
    case 'Picklist':
    case 'State':
    case 'Status':
      return 'Edm.Int32';
    case 'BigInt':
      return 'Edm.Int64';
    case 'Money':
    case 'Decimal':
      return 'Edm.Decimal';
    case 'Double':
      return 'Edm.Double';
    case 'Boolean':
      return 'Edm.Boolean';
    case 'DateTime':
      return 'Edm.DateTimeOffset';
    default:
      return 'Edm.String';
  }
}

function comparator(op: CompareOp): (a: unknown, b: unknown) => boolean {
  switch (op) {
    case 'eq':
      return (a, b) => a === b;
    case 'ne':
      return (a, b) => a !== b;
    case 'gt':
      return (a, b) => a !== null && b !== null && (a as number) > (b as number);
    case 'ge':
      return (a, b) => a !== null && b !== null && (a as number) >= (b as number);
    case 'lt':
      return (a, b) => a !== null && b !== null && (a as number) < (b as number);
    case 'le':
      return (a, b) => a !== null && b !== null && (a as number) <= (b as number);
  }
}
