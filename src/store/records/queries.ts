/** Reads of the lead database used by the CLI, the tests and (later) the API. */
import type { SqlClient } from '../db/types.js';
import { toActivity, type ActivityDbRow, type ActivityRow } from './activity-pages.js';

export interface PersonView {
  readonly id: number;
  readonly dynamicsId: string | null;
  readonly dynamicsType: string | null;
  readonly email: string | null;
  readonly fields: Record<string, unknown>;
  readonly dynamicsDeleted: boolean;
  /** Microsoft Created Date (Dynamics `createdon`); null for a marketing-only person. */
  readonly dynamicsCreatedOn: Date | null;
  readonly ownerId: string | null;
  readonly accountId: string | null;
  /** The company's fields, shared by every person of the account; null until the account has synced. */
  readonly company: {
    id: number;
    dynamicsId: string;
    fields: Record<string, unknown>;
    dynamicsDeleted: boolean;
  } | null;
}

interface PersonRow {
  id: number | string;
  dynamics_id: string | null;
  dynamics_type: string | null;
  email: string | null;
  fields: Record<string, unknown>;
  dynamics_deleted: boolean;
  dynamics_created_on: Date | string | null;
  owner_dynamics_id: string | null;
  account_dynamics_id: string | null;
  company_id: number | string | null;
  company_dynamics_id: string | null;
  company_fields: Record<string, unknown> | null;
  company_deleted: boolean | null;
}

const PERSON_SELECT = `
SELECT p.id, p.dynamics_id, p.dynamics_type, p.email, p.fields, p.dynamics_deleted, p.dynamics_created_on, p.owner_dynamics_id,
       p.account_dynamics_id, c.id AS company_id, c.dynamics_id AS company_dynamics_id,
       c.fields AS company_fields, c.dynamics_deleted AS company_deleted
FROM persons p LEFT JOIN companies c ON c.dynamics_id = p.account_dynamics_id`;

const toView = (r: PersonRow): PersonView => ({
  id: Number(r.id),
  dynamicsId: r.dynamics_id,
  dynamicsType: r.dynamics_type,
  email: r.email,
  fields: r.fields,
  dynamicsDeleted: r.dynamics_deleted,
  dynamicsCreatedOn: r.dynamics_created_on === null ? null : new Date(r.dynamics_created_on),
  ownerId: r.owner_dynamics_id,
  accountId: r.account_dynamics_id,
  company:
    r.company_id === null
      ? null
      : {
          id: Number(r.company_id),
          dynamicsId: r.company_dynamics_id!,
          fields: r.company_fields ?? {},
          dynamicsDeleted: !!r.company_deleted,
        },
});

export async function getPerson(db: SqlClient, id: number): Promise<PersonView | null> {
  const res = await db.query<PersonRow>(`${PERSON_SELECT} WHERE p.id = $1`, [id]);
  return res.rows[0] ? toView(res.rows[0]) : null;
}

export async function getPersonByDynamicsId(db: SqlClient, dynamicsId: string): Promise<PersonView | null> {
  const res = await db.query<PersonRow>(`${PERSON_SELECT} WHERE p.dynamics_id = $1`, [dynamicsId.toLowerCase()]);
  return res.rows[0] ? toView(res.rows[0]) : null;
}

/** Keyset pages of persons by id: never the whole table in memory. */
export async function listPersons(db: SqlClient, afterId: number, limit: number): Promise<PersonView[]> {
  const res = await db.query<PersonRow>(`${PERSON_SELECT} WHERE p.id > $1 ORDER BY p.id LIMIT $2`, [afterId, limit]);
  return res.rows.map(toView);
}

export interface CompanyRow {
  readonly id: number;
  readonly dynamicsId: string;
  readonly ownerId: string | null;
  readonly fields: Record<string, unknown>;
  readonly dynamicsDeleted: boolean;
}

export async function getCompanyByDynamicsId(db: SqlClient, dynamicsId: string): Promise<CompanyRow | null> {
  const res = await db.query<{
    id: number | string;
    dynamics_id: string;
    owner_dynamics_id: string | null;
    fields: Record<string, unknown>;
    dynamics_deleted: boolean;
  }>(`SELECT id, dynamics_id, owner_dynamics_id, fields, dynamics_deleted FROM companies WHERE dynamics_id = $1`, [
    dynamicsId.toLowerCase(),
  ]);
  const r = res.rows[0];
  return r
    ? {
        id: Number(r.id),
        dynamicsId: r.dynamics_id,
        ownerId: r.owner_dynamics_id,
        fields: r.fields,
        dynamicsDeleted: r.dynamics_deleted,
      }
    : null;
}

/** A person's activity as the CLI and the tests read it: the activity stream's row. */
export type ActivityView = ActivityRow;

export async function listActivities(
  db: SqlClient,
  filter: { personId?: number; typeId?: number; afterId?: number; limit?: number },
): Promise<ActivityView[]> {
  const res = await db.query<ActivityDbRow>(
    `SELECT id, person_id, type_id, occurred_at, primary_attribute_value, attributes FROM activities
     WHERE ($1::bigint IS NULL OR person_id = $1) AND ($2::int IS NULL OR type_id = $2) AND id > $3
     ORDER BY id LIMIT $4`,
    [filter.personId ?? null, filter.typeId ?? null, filter.afterId ?? 0, filter.limit ?? 1000],
  );
  return res.rows.map(toActivity);
}

export interface RecordCounts {
  persons: number;
  companies: number;
  salesPersons: number;
  activities: number;
}

export async function countRecords(db: SqlClient): Promise<RecordCounts> {
  const res = await db.query<RecordCounts>(
    `SELECT (SELECT count(*) FROM persons)::int AS "persons", (SELECT count(*) FROM companies)::int AS "companies",
            (SELECT count(*) FROM sales_persons)::int AS "salesPersons", (SELECT count(*) FROM activities)::int AS "activities"`,
  );
  return res.rows[0]!;
}
