/**
 * Reads for the admin UI: people and company lists (keyset pages, never the whole table), a
 * person's activity log newest first, and what recent cycles moved. Search text is data, never
 * SQL: it is passed as a parameter with LIKE's wildcards escaped.
 */
import { InvalidInputError } from '../../domain/index.js';
import type { SqlClient } from '../db/types.js';

/**
 * `%text%` with LIKE's own wildcards in the text escaped. A NUL cannot be sent to PostgreSQL at
 * all (the driver's error would be a 500), so it is refused here as the input error it is.
 */
function contains(text: string): string {
  if (text.includes('\u0000'))
    throw new InvalidInputError('invalid_search_text', 'The search text contains a NUL character');
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

export interface PersonListItem {
  readonly id: number;
  readonly email: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly companyId: number | null;
  readonly companyName: string | null;
  readonly dynamicsType: string | null;
  readonly dynamicsDeleted: boolean;
  readonly dynamicsCreatedOn: Date | null;
}

export interface KeysetPage<T> {
  readonly items: T[];
  /** The id to pass as `afterId` for the next page; null on the last page. */
  readonly nextAfterId: number | null;
}

interface PersonListRow {
  id: number | string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  company_id: number | string | null;
  company_name: string | null;
  dynamics_type: string | null;
  dynamics_deleted: boolean;
  dynamics_created_on: Date | string | null;
}

// One static statement; each filter is "parameter IS NULL OR ...". The name match covers
// "first last" typed as one string.
const SEARCH_PERSONS = `
SELECT p.id, p.email, p.fields->>'firstName' AS first_name, p.fields->>'lastName' AS last_name,
       c.id AS company_id, c.fields->>'company' AS company_name, p.dynamics_type, p.dynamics_deleted,
       p.dynamics_created_on
FROM persons p LEFT JOIN companies c ON c.dynamics_id = p.account_dynamics_id
WHERE p.id > $1
  AND ($2::text IS NULL OR p.email ILIKE $2 OR p.fields->>'firstName' ILIKE $2 OR p.fields->>'lastName' ILIKE $2
       OR concat_ws(' ', p.fields->>'firstName', p.fields->>'lastName') ILIKE $2)
  AND ($3::bigint IS NULL OR c.id = $3)
ORDER BY p.id
LIMIT $4`;

/** Persons whose email or name contains `text` (case-insensitive), optionally of one company, by id. */
export async function searchPersons(
  c: SqlClient,
  q: { text?: string; companyId?: number; afterId?: number; limit: number },
): Promise<KeysetPage<PersonListItem>> {
  const text = q.text?.trim();
  const r = await c.query<PersonListRow>(SEARCH_PERSONS, [
    q.afterId ?? 0,
    text ? contains(text) : null,
    q.companyId ?? null,
    q.limit + 1,
  ]);
  const rows = r.rows.slice(0, q.limit);
  const items = rows.map((x) => ({
    id: Number(x.id),
    email: x.email,
    firstName: x.first_name,
    lastName: x.last_name,
    companyId: x.company_id === null ? null : Number(x.company_id),
    companyName: x.company_name,
    dynamicsType: x.dynamics_type,
    dynamicsDeleted: x.dynamics_deleted,
    dynamicsCreatedOn: x.dynamics_created_on === null ? null : new Date(x.dynamics_created_on),
  }));
  return { items, nextAfterId: r.rows.length > q.limit ? (items[items.length - 1]?.id ?? null) : null };
}

export interface CompanyListItem {
  readonly id: number;
  readonly dynamicsId: string;
  readonly name: string | null;
  readonly city: string | null;
  readonly country: string | null;
  readonly people: number;
  readonly dynamicsDeleted: boolean;
}

interface CompanyListRow {
  id: number | string;
  dynamics_id: string;
  name: string | null;
  city: string | null;
  country: string | null;
  people: number;
  dynamics_deleted: boolean;
}

// The count runs per listed company on the persons_account index: a page costs `limit` index scans.
const LIST_COMPANIES = `
SELECT c.id, c.dynamics_id, c.fields->>'company' AS name, c.fields->>'billingCity' AS city,
       c.fields->>'billingCountry' AS country, c.dynamics_deleted,
       (SELECT count(*) FROM persons p WHERE p.account_dynamics_id = c.dynamics_id)::int AS people
FROM companies c
WHERE c.id > $1 AND ($2::text IS NULL OR c.fields->>'company' ILIKE $2)
ORDER BY c.id
LIMIT $3`;

/** Companies whose name contains `text`, with how many persons each has, by id. */
export async function listCompaniesWithCounts(
  c: SqlClient,
  q: { text?: string; afterId?: number; limit: number },
): Promise<KeysetPage<CompanyListItem>> {
  const text = q.text?.trim();
  const r = await c.query<CompanyListRow>(LIST_COMPANIES, [q.afterId ?? 0, text ? contains(text) : null, q.limit + 1]);
  const rows = r.rows.slice(0, q.limit);
  const items = rows.map((x) => ({
    id: Number(x.id),
    dynamicsId: x.dynamics_id,
    name: x.name,
    city: x.city,
    country: x.country,
    people: x.people,
    dynamicsDeleted: x.dynamics_deleted,
  }));
  return { items, nextAfterId: r.rows.length > q.limit ? (items[items.length - 1]?.id ?? null) : null };
}

export interface PersonActivity {
  readonly id: number;
  readonly typeId: number;
  readonly occurredAt: Date;
  readonly primaryAttributeValue: string | null;
  readonly attributes: Record<string, unknown>;
}

/** A person's activity log, newest first; `beforeId` pages further back. */
export async function personActivitiesNewestFirst(
  c: SqlClient,
  personId: number,
  q: { beforeId?: number; limit: number },
): Promise<KeysetPage<PersonActivity>> {
  const r = await c.query<{
    id: number | string;
    type_id: number;
    occurred_at: Date | string;
    primary_attribute_value: string | null;
    attributes: Record<string, unknown>;
  }>(
    `SELECT id, type_id, occurred_at, primary_attribute_value, attributes FROM activities
     WHERE person_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
    [personId, q.beforeId ?? null, q.limit + 1],
  );
  const items = r.rows.slice(0, q.limit).map((x) => ({
    id: Number(x.id),
    typeId: x.type_id,
    occurredAt: new Date(x.occurred_at),
    primaryAttributeValue: x.primary_attribute_value,
    attributes: x.attributes,
  }));
  return { items, nextAfterId: r.rows.length > q.limit ? (items[items.length - 1]?.id ?? null) : null };
}

/**
 * Records cycles inserted, updated or deleted, per table, in runs started at or after `since`.
 * Sums in SQL, so a busy hour of short cycles is not capped by a page size.
 */
export async function recordsSyncedSince(c: SqlClient, since: Date): Promise<Record<string, number>> {
  const r = await c.query<{ table_name: string; n: number }>(
    `SELECT t.key AS table_name,
            sum(coalesce((t.value->>'inserted')::int, 0) + coalesce((t.value->>'updated')::int, 0)
                + coalesce((t.value->>'deleted')::int, 0))::int AS n
     FROM sync_runs r CROSS JOIN LATERAL jsonb_each(r.stats) t
     WHERE r.started_at >= $1 AND jsonb_typeof(t.value) = 'object'
     GROUP BY t.key`,
    [since],
  );
  return Object.fromEntries(r.rows.map((x) => [x.table_name, x.n]));
}
