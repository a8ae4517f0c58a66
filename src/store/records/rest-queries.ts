/**
 * Lead and company lookups for the REST API: a filter on one field against at most a few hundred
 * values, paged by id (keyset, never OFFSET). Field names arrive here already checked against the
 * field selection by the caller, and still only ever travel as bind parameters.
 */
import type { AttributeType, CatalogField, OptionValue } from '../../domain/index.js';
import type { SqlClient } from '../db/types.js';

export type PersonFilter =
  | { readonly kind: 'id'; readonly values: readonly number[] }
  | { readonly kind: 'email'; readonly values: readonly string[] }
  | { readonly kind: 'personField' | 'companyField'; readonly field: string; readonly values: readonly string[] };

export interface RestPerson {
  readonly id: number;
  readonly email: string | null;
  readonly fields: Record<string, unknown>;
  readonly companyFields: Record<string, unknown>;
  readonly accountId: string | null;
  /** Whether the person's company has synced (its company fields exist). */
  readonly hasCompany: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
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
}

const toPerson = (r: PersonRow): RestPerson => ({
  id: Number(r.id),
  email: r.email,
  fields: r.fields,
  companyFields: r.company_fields ?? {},
  accountId: r.account_dynamics_id,
  hasCompany: r.company_id !== null,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

// Each filter is one fixed statement; the field name is parameter $4. jsonb ->> gives the text form
// of any value (numbers and booleans included), which is how filterValues arrive.
const PERSON_WHERE: Record<PersonFilter['kind'], string> = {
  id: 'p.id = ANY($3::bigint[])',
  email: 'lower(p.email) = ANY($3::text[])',
  personField: 'p.fields ->> $4::text = ANY($3::text[])',
  companyField: 'c.fields ->> $4::text = ANY($3::text[])',
};

const PERSON_COLUMNS = `p.id, p.email, p.fields, c.fields AS company_fields, p.account_dynamics_id, c.id AS company_id,
  p.created_at, p.updated_at`;
const PERSON_FROM = 'FROM persons p LEFT JOIN companies c ON c.dynamics_id = p.account_dynamics_id';

/** Persons matching the filter with id > afterId, lowest id first. */
export async function findPersonsPage(c: SqlClient, filter: PersonFilter, afterId: number, limit: number): Promise<RestPerson[]> {
  const values = filter.kind === 'email' ? filter.values.map((v) => v.toLowerCase()) : filter.values;
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
export async function findPersonsForLookup(c: SqlClient, by: 'id' | 'email', values: readonly (number | string)[]): Promise<RestPerson[]> {
  if (values.length === 0) return [];
  const r = by === 'id'
    ? await c.query<PersonRow>(`SELECT ${PERSON_COLUMNS} ${PERSON_FROM} WHERE p.id = ANY($1::bigint[]) ORDER BY p.id`, [values])
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

export async function findCompaniesPage(c: SqlClient, filter: CompanyFilter, afterId: number, limit: number): Promise<RestCompany[]> {
  const values = filter.kind === 'externalCompanyId' ? filter.values.map((v) => v.toLowerCase()) : filter.values;
  const r = await c.query<{
    id: number | string; dynamics_id: string; fields: Record<string, unknown>; dynamics_deleted: boolean;
    created_at: Date | string; updated_at: Date | string;
  }>(
    `SELECT id, dynamics_id, fields, dynamics_deleted, created_at, updated_at FROM companies
     WHERE id > $1 AND ${COMPANY_WHERE[filter.kind]} ORDER BY id LIMIT $2`,
    [afterId, limit, values],
  );
  return r.rows.map((x) => ({
    id: Number(x.id), dynamicsId: x.dynamics_id, fields: x.fields, dynamicsDeleted: x.dynamics_deleted,
    createdAt: new Date(x.created_at), updatedAt: new Date(x.updated_at),
  }));
}

export interface SelectedColumn {
  readonly entity: 'contact' | 'account';
  readonly localName: string;
  readonly column: CatalogField;
}

/**
 * The selected contact and account columns with their catalog entries, in one statement: every
 * REST call checks its field names against this (reads through a one-second cache, writes fresh).
 */
export async function selectedLeadColumns(c: SqlClient): Promise<SelectedColumn[]> {
  const r = await c.query<{
    entity: 'contact' | 'account'; local_name: string; logical_name: string; attribute_type: AttributeType; display_name: string;
    is_valid_for_read: boolean; is_secured: boolean; readable: boolean; is_custom: boolean; max_length: number | null;
    required_level: string; options: OptionValue[] | null;
  }>(
    `SELECT s.entity, s.local_name, f.logical_name, f.attribute_type, f.display_name, f.is_valid_for_read, f.is_secured,
            f.readable, f.is_custom, f.max_length, f.required_level, f.options
     FROM field_selection s JOIN field_catalog f ON f.entity = s.entity AND f.logical_name = s.logical_name
     WHERE s.entity IN ('contact', 'account') ORDER BY s.entity DESC, s.local_name`,
  );
  return r.rows.map((x) => ({
    entity: x.entity,
    localName: x.local_name,
    column: {
      entity: x.entity, logicalName: x.logical_name, attributeType: x.attribute_type, displayName: x.display_name,
      isValidForRead: x.is_valid_for_read, isSecured: x.is_secured, readable: x.readable, isCustom: x.is_custom,
      maxLength: x.max_length, requiredLevel: x.required_level, options: x.options,
    },
  }));
}
