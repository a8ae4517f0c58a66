/**
 * Primary-key bounds of a `$filter` (`contactid ge X and contactid lt Y`, as a client reading a
 * table in key ranges sends): the page then starts at X in the key order and stops at Y, as
 * Dataverse's clustered index would, instead of testing every row of the table. The full predicate
 * is still applied, so a bound found here only narrows where to look.
 */
import type { CompareOp, FilterExpr, Operand } from '../odata/filter-ast.js';

export interface KeyRange {
  /** Lowest key that may match, and whether it may match itself. */
  readonly from?: { readonly id: string; readonly inclusive: boolean };
  /** Highest key that may match, and whether it may match itself. */
  readonly to?: { readonly id: string; readonly inclusive: boolean };
}

const FLIP: Record<CompareOp, CompareOp> = { eq: 'eq', ne: 'ne', gt: 'lt', ge: 'le', lt: 'gt', le: 'ge' };

export function keyRangeOf(filter: FilterExpr | undefined, primaryKey: string): KeyRange {
  if (!filter) return {};
  if (filter.kind === 'and') return narrow(keyRangeOf(filter.left, primaryKey), keyRangeOf(filter.right, primaryKey));
  if (filter.kind !== 'compare') return {};
  const bound = (prop: Operand, lit: Operand, op: CompareOp): KeyRange => {
    if (prop.kind !== 'property' || prop.name.toLowerCase() !== primaryKey || lit.kind !== 'guid') return {};
    const id = lit.value.toLowerCase();
    if (op === 'ge' || op === 'gt') return { from: { id, inclusive: op === 'ge' } };
    if (op === 'le' || op === 'lt') return { to: { id, inclusive: op === 'le' } };
    if (op === 'eq') return { from: { id, inclusive: true }, to: { id, inclusive: true } };
    return {};
  };
  return filter.left.kind === 'property'
    ? bound(filter.left, filter.right, filter.op)
    : bound(filter.right, filter.left, FLIP[filter.op]);
}

function narrow(a: KeyRange, b: KeyRange): KeyRange {
  const from = !a.from ? b.from : !b.from ? a.from : a.from.id >= b.from.id ? a.from : b.from;
  const to = !a.to ? b.to : !b.to ? a.to : a.to.id <= b.to.id ? a.to : b.to;
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** Whether `id` lies past the range's upper end (key order: lower-case strings). */
export const pastEnd = (range: KeyRange, id: string): boolean =>
  range.to !== undefined && (range.to.inclusive ? id > range.to.id : id >= range.to.id);
