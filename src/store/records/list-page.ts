/**
 * Keyset pages for the admin lists (People, Companies, the audit log): sorted by any listed column,
 * filtered by any field, with the total and where the page sits in it ("1,001–1,050 of 12,345").
 *
 * Why keyset and not OFFSET: a page is `WHERE (sort key, id) > (cursor) ORDER BY sort key, id
 * LIMIT n`, so page 200 costs what page 1 costs, and PostgreSQL's top-N sort keeps only n + 1 rows
 * in memory however deep the page (an OFFSET of 10,000 would sort and throw away 10,000 rows
 * first). The position is carried in the cursor (the 0-based index of the page's first row), so it
 * costs nothing; the total is one count(*) over the same filter. Sort keys are never NULL
 * (coalesced), so the row comparison is total and every row appears exactly once.
 *
 * Every value (field names included) is a parameter; only the fixed column expressions of a
 * ListSpec are SQL text.
 */
import { InvalidInputError } from '../../domain/errors.js';
import type { SqlClient } from '../db/types.js';

export type SortType = 'text' | 'timestamptz' | 'bigint';

export interface SortColumn {
  /** A never-NULL SQL expression over the spec's FROM. */
  readonly expr: string;
  readonly type: SortType;
}

export type FilterOp = 'contains' | 'equals' | 'empty' | 'not_empty';
export const FILTER_OPS: readonly FilterOp[] = ['contains', 'equals', 'empty', 'not_empty'];

export interface ListSpec {
  /** `persons p LEFT JOIN companies c ON ...` */
  readonly from: string;
  /** The SELECT list (without the sort key). */
  readonly columns: string;
  readonly idExpr: string;
  readonly sorts: Readonly<Record<string, SortColumn>>;
  /** SQL text of a field's value given the parameter holding its name, for a scope ('person', 'company'). */
  readonly fieldExpr: (scope: string, nameParam: string) => string;
}

export interface FieldFilter {
  readonly scope: string;
  readonly field: string;
  readonly op: FilterOp;
  readonly value?: string;
}

export interface ListCursor {
  /** The sort key of the row the page starts after (next) or before (prev). */
  readonly key: string;
  readonly id: number;
  /** 0-based index, in the whole filtered list, of the first row of the page asked for. */
  readonly position: number;
  readonly direction: 'next' | 'prev';
}

export interface ListQuery {
  readonly sort: string;
  readonly descending: boolean;
  readonly limit: number;
  readonly cursor?: ListCursor;
  /** Extra conditions, already SQL with $n placeholders built by `params`. */
  readonly where?: (params: Params) => string[];
  readonly filters?: readonly FieldFilter[];
}

export interface ListPage<R> {
  readonly rows: R[];
  /** -1 when not counted (exports). */
  readonly total: number;
  /** 0-based index of rows[0]. */
  readonly position: number;
  readonly next: ListCursor | null;
  readonly prev: ListCursor | null;
}

/** Collects parameter values and hands out their placeholders. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** `%text%` with LIKE's own wildcards escaped; a NUL (which PostgreSQL cannot take) is an input error. */
export function likeContains(text: string): string {
  if (text.includes('\u0000'))
    throw new InvalidInputError('invalid_search_text', 'The search text contains a NUL character');
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

function filterSql(spec: ListSpec, f: FieldFilter, p: Params): string {
  const v = spec.fieldExpr(f.scope, p.add(f.field));
  switch (f.op) {
    case 'empty':
      return `(${v} IS NULL OR ${v} = '')`;
    case 'not_empty':
      return `(${v} IS NOT NULL AND ${v} <> '')`;
    case 'equals':
      return `lower(${v}) = lower(${p.add(f.value ?? '')})`;
    case 'contains':
      return `${v} ILIKE ${p.add(likeContains(f.value ?? ''))}`;
  }
}

function conditions(spec: ListSpec, q: ListQuery, p: Params): string[] {
  return [...(q.where?.(p) ?? []), ...(q.filters ?? []).map((f) => filterSql(spec, f, p))];
}

const whereOf = (parts: string[]) => (parts.length ? `WHERE ${parts.join(' AND ')}` : '');

export async function listPage<R extends { sort_key: string; list_id: number | string }>(
  c: SqlClient,
  spec: ListSpec,
  q: ListQuery,
  withTotal = true,
): Promise<ListPage<R>> {
  const sort = spec.sorts[q.sort];
  if (!sort) throw new InvalidInputError('invalid_sort', `Cannot sort by '${q.sort}'`);
  let total = -1;
  if (withTotal) {
    const countParams = new Params();
    const countSql = `SELECT count(*)::int AS n FROM ${spec.from} ${whereOf(conditions(spec, q, countParams))}`;
    total = (await c.query<{ n: number }>(countSql, countParams.values)).rows[0]!.n;
  }

  const p = new Params();
  const parts = conditions(spec, q, p);
  const backwards = q.cursor?.direction === 'prev';
  // Walking backwards is the same query in the opposite order, its rows reversed after.
  const desc = q.descending !== backwards;
  if (q.cursor) {
    const op = desc ? '<' : '>';
    parts.push(`(${sort.expr}, ${spec.idExpr}) ${op} (${p.add(q.cursor.key)}::${sort.type}, ${p.add(q.cursor.id)})`);
  }
  const order = desc ? 'DESC' : 'ASC';
  const sql = `SELECT ${spec.columns}, (${sort.expr})::text AS sort_key, ${spec.idExpr} AS list_id
    FROM ${spec.from} ${whereOf(parts)}
    ORDER BY ${sort.expr} ${order}, ${spec.idExpr} ${order} LIMIT ${p.add(q.limit + 1)}`;
  const r = await c.query<R>(sql, p.values);
  const more = r.rows.length > q.limit;
  const rows = r.rows.slice(0, q.limit);
  if (backwards) rows.reverse();
  const position = q.cursor ? (backwards ? Math.max(0, q.cursor.position) : q.cursor.position) : 0;
  const first = rows[0];
  const last = rows.at(-1);
  const cursorAt = (row: R, at: number, direction: 'next' | 'prev'): ListCursor => ({
    key: row.sort_key,
    id: Number(row.list_id),
    position: at,
    direction,
  });
  const hasNext = backwards ? rows.length > 0 : more;
  const hasPrev = backwards ? more : position > 0;
  return {
    rows,
    total,
    position,
    next: hasNext && last ? cursorAt(last, position + rows.length, 'next') : null,
    prev: hasPrev && first ? cursorAt(first, Math.max(0, position - q.limit), 'prev') : null,
  };
}

/** Every row of the filtered, sorted list, in batches (CSV export): memory stays one batch. */
export async function* listAll<R extends { sort_key: string; list_id: number | string }>(
  c: SqlClient,
  spec: ListSpec,
  q: Omit<ListQuery, 'limit' | 'cursor'>,
  batchSize = 1000,
): AsyncGenerator<R> {
  let cursor: ListCursor | undefined;
  for (;;) {
    const page = await listPage<R>(c, spec, { ...q, limit: batchSize, ...(cursor ? { cursor } : {}) }, false);
    yield* page.rows;
    if (!page.next) return;
    cursor = page.next;
  }
}
