/**
 * Lead and company lookups for the REST API: a filter on one field against at most a few hundred
 * values, paged by id (keyset, never OFFSET). Field names arrive here already checked against the
 * field selection by the caller, and still only ever travel as bind parameters.
 */
import type { CatalogField } from '../../domain/index.js';
import type { SqlClient } from '../db/types.js';
import { toCatalogField, type CatalogRow } from '../fields-repo.js';

export type PersonFilter =
  | { readonly kind: 'id'; readonly values: readonly number[] }
  | { readonly kind: 'email'; readonly values: readonly string[] }
  | { readonly kind: 'personField' | 'companyField'; readonly field: string; readonly values: readonly string[] }
  /** Microsoft system fields: type ('' for a marketing-only person), deleted flag, created date (ISO instants). */
  | { readonly kind: 'microsoftType'; readonly values: readonly ('Lead' | 'Contact' | '')[] }
  | { readonly kind: 'microsoftIsDeleted'; readonly values: readonly boolean[] }
  | { readonly kind: 'microsoftCreatedDate'; readonly values: readonly string[] };

export interface RestPerson {
  readonly id: number;
  readonly email: string | null;
  readonly fields: Record<string, unknown>;
  readonly companyFields: Record<string, unknown>;
  readonly accountId: string | null;
  /** Whether the person's company has synced (its company fields exist). */
  readonly hasCompany: boolean;
  /** A lead or a marketing-only person (no company, not a contact): company columns are its own fields. */
  readonly ownsCompanyFields: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** 'Lead' | 'Contact', null for a marketing-only person. */
  readonly dynamicsType: string | null;
  readonly dynamicsCreatedOn: Date | null;
  readonly dynamicsDeleted: boolean;
}

interface PersonRow {
  id: number | string;
  email: string | null;
  fields: Record<string, unknown>;
  company_fields: Record<string, unknown> | null;
  account_dynamics_id: string | null;
  company_id: number | string | null;
  created_at: Date | string;
  updated_at: Date | string;
  dynamics_type: string | null;
  dynamics_created_on: Date | string | null;
  dynamics_deleted: boolean;
}

const toPerson = (r: PersonRow): RestPerson => ({
  id: Number(r.id),
  email: r.email,
  fields: r.fields,
  companyFields: r.company_fields ?? {},
  accountId: r.account_dynamics_id,
  hasCompany: r.company_id !== null,
  ownsCompanyFields: r.company_id === null && r.dynamics_type !== 'Contact',
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
  dynamicsType: r.dynamics_type,
  dynamicsCreatedOn: r.dynamics_created_on === null ? null : new Date(r.dynamics_created_on),
  dynamicsDeleted: r.dynamics_deleted,
});

// Each filter is one fixed statement; the field name is parameter $4. jsonb ->> gives the text form
// of any value (numbers and booleans included), which is how filterValues arrive.
const PERSON_WHERE: Record<PersonFilter['kind'], string> = {
  id: 'p.id = ANY($3::bigint[])',
  email: 'lower(p.email) = ANY($3::text[])',
  personField: 'p.fields ->> $4::text = ANY($3::text[])',
  // A person without a company who is not a contact (a lead, a marketing-only person) holds its
  // company columns itself (a lead's companyname and friends).
  companyField: `(CASE WHEN c.id IS NULL AND p.dynamics_type IS DISTINCT FROM 'Contact' THEN p.fields ELSE c.fields END) ->> $4::text = ANY($3::text[])`,
  microsoftType: `coalesce(p.dynamics_type, '') = ANY($3::text[])`,
  microsoftIsDeleted: 'p.dynamics_deleted = ANY($3::boolean[])',
  microsoftCreatedDate: 'p.dynamics_created_on = ANY($3::timestamptz[])',
};

const PERSON_COLUMNS = `p.id, p.email, p.fields, c.fields AS company_fields, p.account_dynamics_id, c.id AS company_id,
  p.created_at, p.updated_at, p.dynamics_type, p.dynamics_created_on, p.dynamics_deleted`;
const PERSON_FROM = 'FROM persons p LEFT JOIN companies c ON c.dynamics_id = p.account_dynamics_id';

/** Persons matching the filter with id > afterId, lowest id first. */
export async function findPersonsPage(
  c: SqlClient,
  filter: PersonFilter,
  afterId: number,
  limit: number,
): Promise<RestPerson[]> {
  const values: readonly unknown[] =
    filter.kind === 'email' ? filter.values.map((v) => v.toLowerCase()) : filter.values;
  const field = filter.kind === 'personField' || filter.kind === 'companyField' ? filter.field : null;
  const r = await c.query<PersonRow>(
    `SELECT ${PERSON_COLUMNS} ${PERSON_FROM}
     WHERE p.id > $1 AND ${PERSON_WHERE[filter.kind]}
     ORDER BY p.id LIMIT $2`,
    field === null ? [afterId, limit, values] : [afterId, limit, values, field],
  );
  return r.rows.map(toPerson);
}

/**
 * The persons of a whole write call in one statement: by id, or by email (case-insensitive) with at
 * most two per email, enough to tell "one lead" from "several leads match".
 */
export async function findPersonsForLookup(
  c: SqlClient,
  by: 'id' | 'email',
  values: readonly (number | string)[],
): Promise<RestPerson[]> {
  if (values.length === 0) return [];
  const r =
    by === 'id'
      ? await c.query<PersonRow>(
          `SELECT ${PERSON_COLUMNS} ${PERSON_FROM} WHERE p.id = ANY($1::bigint[]) ORDER BY p.id`,
          [values],
        )
      : await c.query<PersonRow>(
          `SELECT * FROM (SELECT ${PERSON_COLUMNS}, row_number() OVER (PARTITION BY lower(p.email) ORDER BY p.id) AS nth ${PERSON_FROM}
           WHERE lower(p.email) = ANY($1::text[])) x WHERE nth <= 2 ORDER BY id`,
          [values.map((v) => String(v).toLowerCase())],
        );
  return r.rows.map(toPerson);
}

export type CompanyFilter =
  | { readonly kind: 'id'; readonly values: readonly number[] }
  | { readonly kind: 'externalCompanyId'; readonly values: readonly string[] }
  | { readonly kind: 'company'; readonly values: readonly string[] };

export interface RestCompany {
  readonly id: number;
  readonly dynamicsId: string;
  readonly fields: Record<string, unknown>;
  readonly dynamicsDeleted: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

const COMPANY_WHERE: Record<CompanyFilter['kind'], string> = {
  id: 'id = ANY($3::bigint[])',
  externalCompanyId: 'dynamics_id = ANY($3::uuid[])',
  company: `fields ->> 'company' = ANY($3::text[])`,
};

export async function findCompaniesPage(
  c: SqlClient,
  filter: CompanyFilter,
  afterId: number,
  limit: number,
): Promise<RestCompany[]> {
  const values = filter.kind === 'externalCompanyId' ? filter.values.map((v) => v.toLowerCase()) : filter.values;
  const r = await c.query<{
    id: number | string;
    dynamics_id: string;
    fields: Record<string, unknown>;
    dynamics_deleted: boolean;
    created_at: Date | string;
    updated_at: Date | string;
  }>(
    `SELECT id, dynamics_id, fields, dynamics_deleted, created_at, updated_at FROM companies
     WHERE id > $1 AND ${COMPANY_WHERE[filter.kind]} ORDER BY id LIMIT $2`,
    [afterId, limit, values],
  );
  return r.rows.map((x) => ({
    id: Number(x.id),
    dynamicsId: x.dynamics_id,
    fields: x.fields,
    dynamicsDeleted: x.dynamics_deleted,
    createdAt: new Date(x.created_at),
    updatedAt: new Date(x.updated_at),
  }));
}

export interface SelectedColumn {
  readonly entity: 'contact' | 'account' | 'lead';
  readonly localName: string;
  readonly column: CatalogField;
}

/**
 * The selected contact and account columns with their catalog entries, in one statement: every
 * REST call checks its field names against this (reads through a one-second cache, writes fresh).
 */
export async function selectedLeadColumns(c: SqlClient): Promise<SelectedColumn[]> {
  const r = await c.query<CatalogRow & { local_name: string }>(
    `SELECT f.*, s.local_name
     FROM field_selection s JOIN field_catalog f ON f.entity = s.entity AND f.logical_name = s.logical_name
     WHERE s.entity IN ('contact', 'account', 'lead')
     ORDER BY CASE s.entity WHEN 'contact' THEN 0 WHEN 'account' THEN 1 ELSE 2 END, s.local_name`,
  );
  return r.rows.map((x) => ({
    entity: x.entity as SelectedColumn['entity'],
    localName: x.local_name,
    column: toCatalogField(x),
  }));
}
