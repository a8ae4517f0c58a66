/**
 * The People and Companies lists of the admin UI (keyset pages: list-page.ts says why), their CSV
 * exports (the same filter, streamed in batches), sorted by any listed column and filtered by any
 * field. A person's company fields are its company's (a contact's account) or its own columns (a
 * lead, a marketing-only person): `coalesce(c.fields, p.fields)` reads whichever it has.
 */
import { csvLine } from '../db/csv.js';
import type { SqlClient } from '../db/types.js';
import {
  likeContains,
  listAll,
  listPage,
  type FieldFilter,
  type ListCursor,
  type ListPage,
  type ListSpec,
  type Params,
} from './list-page.js';

/** Person fields kept in real columns rather than in `fields`. */
const PERSON_SYSTEM_FIELDS = `CASE {n} WHEN 'microsoftType' THEN p.dynamics_type
  WHEN 'microsoftIsDeleted' THEN CASE WHEN p.dynamics_deleted THEN 'true' ELSE 'false' END
  ELSE p.fields->>{n} END`;

export const PEOPLE_SPEC: ListSpec = {
  from: 'persons p LEFT JOIN companies c ON c.dynamics_id = p.account_dynamics_id',
  columns: `p.id, p.dynamics_id, p.email, p.fields->>'firstName' AS first_name, p.fields->>'lastName' AS last_name,
    c.id AS company_id, coalesce(c.fields, p.fields)->>'company' AS company_name, p.dynamics_type,
    p.dynamics_deleted, p.dynamics_created_on, p.updated_at`,
  idExpr: 'p.id',
  sorts: {
    id: { expr: 'p.id', type: 'bigint' },
    name: { expr: `lower(concat_ws(' ', p.fields->>'firstName', p.fields->>'lastName'))`, type: 'text' },
    email: { expr: `lower(coalesce(p.email, ''))`, type: 'text' },
    company: { expr: `lower(coalesce(coalesce(c.fields, p.fields)->>'company', ''))`, type: 'text' },
    microsoftType: { expr: `coalesce(p.dynamics_type, '')`, type: 'text' },
    microsoftCreatedDate: { expr: `coalesce(p.dynamics_created_on, '-infinity'::timestamptz)`, type: 'timestamptz' },
    lastSynced: { expr: 'p.updated_at', type: 'timestamptz' },
  },
  fieldExpr: (scope, n) =>
    scope === 'company' ? `(coalesce(c.fields, p.fields)->>${n})` : `(${PERSON_SYSTEM_FIELDS.replaceAll('{n}', n)})`,
};

export const COMPANIES_SPEC: ListSpec = {
  from: 'companies c',
  columns: `c.id, c.dynamics_id, c.fields->>'company' AS name, c.fields->>'billingCity' AS city,
    c.fields->>'billingCountry' AS country, c.dynamics_deleted, c.updated_at,
    (SELECT count(*) FROM persons p WHERE p.account_dynamics_id = c.dynamics_id)::int AS people`,
  idExpr: 'c.id',
  sorts: {
    id: { expr: 'c.id', type: 'bigint' },
    name: { expr: `lower(coalesce(c.fields->>'company', ''))`, type: 'text' },
    city: { expr: `lower(coalesce(c.fields->>'billingCity', ''))`, type: 'text' },
    country: { expr: `lower(coalesce(c.fields->>'billingCountry', ''))`, type: 'text' },
    // One index scan of persons_account per company compared: fine for a page, documented as the slow sort.
    people: { expr: '(SELECT count(*) FROM persons p WHERE p.account_dynamics_id = c.dynamics_id)', type: 'bigint' },
    lastSynced: { expr: 'c.updated_at', type: 'timestamptz' },
  },
  fieldExpr: (_scope, n) => `(c.fields->>${n})`,
};

export interface ListRequest {
  readonly text?: string;
  readonly companyId?: number;
  readonly filters?: readonly FieldFilter[];
  readonly sort: string;
  readonly descending: boolean;
  readonly limit: number;
  readonly cursor?: ListCursor;
}

const peopleWhere = (q: ListRequest) => (p: Params) => {
  const parts: string[] = [];
  if (q.text) {
    const t = p.add(likeContains(q.text));
    parts.push(`(p.email ILIKE ${t} OR p.fields->>'firstName' ILIKE ${t} OR p.fields->>'lastName' ILIKE ${t}
      OR concat_ws(' ', p.fields->>'firstName', p.fields->>'lastName') ILIKE ${t})`);
  }
  if (q.companyId !== undefined) parts.push(`c.id = ${p.add(q.companyId)}`);
  return parts;
};

const companiesWhere = (q: ListRequest) => (p: Params) =>
  q.text ? [`c.fields->>'company' ILIKE ${p.add(likeContains(q.text))}`] : [];

const toDate = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

interface PersonListRow {
  id: number | string;
  dynamics_id: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  company_id: number | string | null;
  company_name: string | null;
  dynamics_type: string | null;
  dynamics_deleted: boolean;
  dynamics_created_on: Date | string | null;
  updated_at: Date | string;
  sort_key: string;
  list_id: number | string;
}

export interface PersonListEntry {
  readonly id: number;
  readonly dynamicsId: string | null;
  readonly email: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly companyId: number | null;
  readonly companyName: string | null;
  readonly dynamicsType: string | null;
  readonly dynamicsDeleted: boolean;
  readonly dynamicsCreatedOn: Date | null;
  /** When the lead database last stored a change of the person (from Dynamics or a local edit). */
  readonly lastSynced: Date;
}

const toPerson = (x: PersonListRow): PersonListEntry => ({
  id: Number(x.id),
  dynamicsId: x.dynamics_id,
  email: x.email,
  firstName: x.first_name,
  lastName: x.last_name,
  companyId: x.company_id === null ? null : Number(x.company_id),
  companyName: x.company_name,
  dynamicsType: x.dynamics_type,
  dynamicsDeleted: x.dynamics_deleted,
  dynamicsCreatedOn: toDate(x.dynamics_created_on),
  lastSynced: new Date(x.updated_at),
});

const query = (q: ListRequest, where: (q: ListRequest) => (p: Params) => string[]) => ({
  sort: q.sort,
  descending: q.descending,
  limit: q.limit,
  where: where(q),
  ...(q.filters ? { filters: q.filters } : {}),
  ...(q.cursor ? { cursor: q.cursor } : {}),
});

export async function listPeoplePage(c: SqlClient, q: ListRequest): Promise<ListPage<PersonListEntry>> {
  const page = await listPage<PersonListRow>(c, PEOPLE_SPEC, query(q, peopleWhere));
  return { ...page, rows: page.rows.map(toPerson) };
}

const PEOPLE_CSV_HEADER = [
  'id',
  'firstName',
  'lastName',
  'email',
  'company',
  'microsoftType',
  'microsoftCreatedDate',
  'microsoftIsDeleted',
  'lastSynced',
  'dynamicsId',
];

/** The filtered, sorted people as CSV lines, read 1,000 at a time. */
export async function* peopleCsv(c: SqlClient, q: Omit<ListRequest, 'limit' | 'cursor'>): AsyncGenerator<string> {
  yield csvLine(PEOPLE_CSV_HEADER, '\r\n');
  const { limit: _l, ...all } = query({ ...q, limit: 0 }, peopleWhere);
  for await (const row of listAll<PersonListRow>(c, PEOPLE_SPEC, all)) {
    const p = toPerson(row);
    yield csvLine(
      [
        p.id,
        p.firstName,
        p.lastName,
        p.email,
        p.companyName,
        p.dynamicsType,
        p.dynamicsCreatedOn,
        p.dynamicsDeleted,
        p.lastSynced,
        p.dynamicsId,
      ],
      '\r\n',
    );
  }
}

interface CompanyListRow {
  id: number | string;
  dynamics_id: string;
  name: string | null;
  city: string | null;
  country: string | null;
  dynamics_deleted: boolean;
  updated_at: Date | string;
  people: number;
  sort_key: string;
  list_id: number | string;
}

export interface CompanyListEntry {
  readonly id: number;
  readonly dynamicsId: string;
  readonly name: string | null;
  readonly city: string | null;
  readonly country: string | null;
  readonly people: number;
  readonly dynamicsDeleted: boolean;
  readonly lastSynced: Date;
}

const toCompany = (x: CompanyListRow): CompanyListEntry => ({
  id: Number(x.id),
  dynamicsId: x.dynamics_id,
  name: x.name,
  city: x.city,
  country: x.country,
  people: x.people,
  dynamicsDeleted: x.dynamics_deleted,
  lastSynced: new Date(x.updated_at),
});

export async function listCompaniesPage(c: SqlClient, q: ListRequest): Promise<ListPage<CompanyListEntry>> {
  const page = await listPage<CompanyListRow>(c, COMPANIES_SPEC, query(q, companiesWhere));
  return { ...page, rows: page.rows.map(toCompany) };
}

export async function* companiesCsv(c: SqlClient, q: Omit<ListRequest, 'limit' | 'cursor'>): AsyncGenerator<string> {
  yield csvLine(
    ['id', 'company', 'billingCity', 'billingCountry', 'people', 'microsoftIsDeleted', 'lastSynced', 'dynamicsId'],
    '\r\n',
  );
  const { limit: _l, ...all } = query({ ...q, limit: 0 }, companiesWhere);
  for await (const row of listAll<CompanyListRow>(c, COMPANIES_SPEC, all)) {
    const x = toCompany(row);
    yield csvLine([x.id, x.name, x.city, x.country, x.people, x.dynamicsDeleted, x.lastSynced, x.dynamicsId], '\r\n');
  }
}
