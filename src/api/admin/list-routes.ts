/**
 * The People and Companies lists: total, position, sort by any listed column, filter by any field
 * (`f=person.title:contains:CMO`, `f=company.billingCity:equals:Paris`, repeatable), keyset pages
 * with opaque cursors both ways, and the same filter as a streamed CSV download.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { InvalidInputError } from '../../domain/index.js';
import type { Db } from '../../store/db/types.js';
import { FILTER_OPS, type FieldFilter, type FilterOp, type ListCursor } from '../../store/records/list-page.js';
import {
  COMPANIES_SPEC,
  PEOPLE_SPEC,
  companiesCsv,
  listCompaniesPage,
  listPeoplePage,
  peopleCsv,
} from '../../store/records/people-list.js';
import { loadSelection } from '../../sync/state.js';
import { pageLimit, parseInput, positiveId, searchText } from './input.js';

const Filters = z
  .union([z.string().max(500), z.array(z.string().max(500)).max(10)])
  .optional()
  .transform((f) => (f === undefined ? [] : Array.isArray(f) ? f : [f]));

const ListFilter = z.object({
  q: searchText,
  company: positiveId.optional(),
  sort: z.string().max(50).default('id'),
  dir: z.enum(['asc', 'desc']).default('asc'),
  f: Filters,
});
const ListQuery = ListFilter.extend({ limit: pageLimit(50, 200), cursor: z.string().max(1000).optional() });

const CursorShape = z.strictObject({
  key: z.string().max(500),
  id: z.number().int().nonnegative(),
  position: z.number().int().nonnegative(),
  direction: z.enum(['next', 'prev']),
});

export const encode = (c: ListCursor | null) => (c ? Buffer.from(JSON.stringify(c)).toString('base64url') : null);

export function decode(cursor: string | undefined): ListCursor | undefined {
  if (!cursor) return undefined;
  try {
    return CursorShape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidInputError('invalid_cursor', 'The cursor is not one this API gave out');
  }
}

export interface FilterField {
  readonly scope: 'person' | 'company';
  readonly name: string;
  readonly label: string;
}

/** Every field a list can be filtered by: the selected person and company fields, and Microsoft's. */
export async function filterFields(db: Db, people: boolean): Promise<FilterField[]> {
  const of = async (entity: 'contact' | 'lead' | 'account', scope: 'person' | 'company') => {
    const { catalog, selection } = await loadSelection(db, entity);
    return selection.map((s) => ({
      scope,
      name: s.localName,
      label: catalog.find((c) => c.logicalName === s.logicalName)?.displayName ?? s.localName,
    }));
  };
  const company = await of('account', 'company');
  if (!people) return company;
  const person = [...(await of('contact', 'person')), ...(await of('lead', 'person'))];
  const seen = new Set<string>();
  const all: FilterField[] = [
    { scope: 'person', name: 'microsoftType', label: 'Microsoft Type' },
    { scope: 'person', name: 'microsoftIsDeleted', label: 'Microsoft is Deleted' },
    ...person,
    ...company,
  ];
  return all.filter((f) => !seen.has(`${f.scope}.${f.name}`) && seen.add(`${f.scope}.${f.name}`));
}

/** `scope.field:op[:value]` checked against the fields this list has. */
function parseFilters(raw: string[], fields: FilterField[]): FieldFilter[] {
  return raw.map((text) => {
    const m = /^(person|company)\.([^:]+):([a-z_]+)(?::([\s\S]*))?$/.exec(text);
    if (!m)
      throw new InvalidInputError('invalid_filter', `Filter '${text.slice(0, 100)}' is not scope.field:op[:value]`);
    const [, scope, field, op, value] = m as unknown as [string, string, string, string, string | undefined];
    if (!fields.some((f) => f.scope === scope && f.name === field))
      throw new InvalidInputError('unknown_filter_field', `No ${scope} field '${field.slice(0, 100)}' to filter by`);
    if (!FILTER_OPS.includes(op as FilterOp))
      throw new InvalidInputError('invalid_filter_op', `Filter operation must be one of ${FILTER_OPS.join(', ')}`);
    if ((op === 'contains' || op === 'equals') && !value)
      throw new InvalidInputError('invalid_filter', `Filter '${field}' ${op} needs a value`);
    return { scope, field, op: op as FilterOp, ...(value ? { value } : {}) };
  });
}

function checkSort(sort: string, sorts: Record<string, unknown>): void {
  if (!(sort in sorts))
    throw new InvalidInputError('invalid_sort', `Sort must be one of ${Object.keys(sorts).join(', ')}`);
}

async function listRequest(db: Db, raw: unknown, people: boolean) {
  const q = parseInput(ListFilter, raw, 'query');
  checkSort(q.sort, (people ? PEOPLE_SPEC : COMPANIES_SPEC).sorts);
  const filters = q.f.length ? parseFilters(q.f, await filterFields(db, people)) : [];
  return {
    ...(q.q ? { text: q.q } : {}),
    ...(people && q.company !== undefined ? { companyId: q.company } : {}),
    filters,
    sort: q.sort,
    descending: q.dir === 'desc',
  };
}

const csvReply = (reply: FastifyReply, name: string, lines: AsyncGenerator<string>) =>
  reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header(
      'content-disposition',
      `attachment; filename="dynasync-${name}-${new Date().toISOString().slice(0, 10)}.csv"`,
    )
    .header('cache-control', 'no-store')
    .send(Readable.from(lines));

export const pageAnswer = <T>(page: {
  rows: T[];
  total: number;
  position: number;
  next: ListCursor | null;
  prev: ListCursor | null;
}) => ({
  items: page.rows,
  total: page.total,
  /** 1-based "from" and "to" of the page in the total (0, 0 when empty). */
  from: page.rows.length ? page.position + 1 : 0,
  to: page.position + page.rows.length,
  nextCursor: encode(page.next),
  prevCursor: encode(page.prev),
});

export function registerListRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/people', async (request) => {
    const { limit, cursor } = parseInput(ListQuery, request.query, 'query');
    const q = await listRequest(db, request.query, true);
    return pageAnswer(await listPeoplePage(db, { ...q, limit, ...(cursor ? { cursor: decode(cursor)! } : {}) }));
  });

  app.get('/api/people.csv', async (request, reply) =>
    csvReply(reply, 'people', peopleCsv(db, await listRequest(db, request.query, true))),
  );

  app.get('/api/companies', async (request) => {
    const { limit, cursor } = parseInput(ListQuery, request.query, 'query');
    const q = await listRequest(db, request.query, false);
    return pageAnswer(await listCompaniesPage(db, { ...q, limit, ...(cursor ? { cursor: decode(cursor)! } : {}) }));
  });

  app.get('/api/companies.csv', async (request, reply) =>
    csvReply(reply, 'companies', companiesCsv(db, await listRequest(db, request.query, false))),
  );

  app.get('/api/list-fields', async () => ({
    people: await filterFields(db, true),
    companies: await filterFields(db, false),
  }));
}
