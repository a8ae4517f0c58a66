/**
 * Reads of custom-table records: REST's custom-object queries (by id, by person, by any stored
 * field; keyset pages on the record id) and a person's records for the person page (linked to the
 * person, or to the person's company). Only records of enabled tables, never deleted ones.
 */
import type { SqlClient } from '../db/types.js';

export interface StoredCustomRecord {
  readonly table: string;
  readonly dynamicsId: string;
  readonly fields: Record<string, unknown>;
  /** The person the record belongs to (by its lead/contact link, or its intermediate record's). */
  readonly personId: number | null;
  readonly accountDynamicsId: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type CustomRecordFilter =
  | { readonly kind: 'id'; readonly values: readonly string[] }
  | { readonly kind: 'leadId'; readonly values: readonly number[] }
  | { readonly kind: 'field'; readonly field: string; readonly values: readonly string[] };

interface Row {
  table_name: string;
  dynamics_id: string;
  fields: Record<string, unknown>;
  person_id: number | string | null;
  account_dynamics_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const toRecord = (r: Row): StoredCustomRecord => ({
  table: r.table_name,
  dynamicsId: r.dynamics_id,
  fields: r.fields,
  personId: r.person_id === null ? null : Number(r.person_id),
  accountDynamicsId: r.account_dynamics_id,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

// A record's person: the contact, or the lead (also once qualified: the person keeps its lead id).
const PERSON = `(SELECT p.id FROM persons p WHERE p.dynamics_id = cr.person_dynamics_id
   OR p.dynamics_lead_id = cr.person_dynamics_id ORDER BY (p.dynamics_id = cr.person_dynamics_id) DESC LIMIT 1)`;
const COLUMNS = `cr.table_name, cr.dynamics_id, cr.fields, ${PERSON} AS person_id,
  coalesce(cr.account_dynamics_id, (SELECT p.account_dynamics_id FROM persons p WHERE p.dynamics_id = cr.person_dynamics_id LIMIT 1)) AS account_dynamics_id,
  coalesce(cr.dynamics_created_on, cr.created_at) AS created_at, cr.updated_at`;

function where(filter: CustomRecordFilter): { sql: string; params: unknown[] } {
  switch (filter.kind) {
    case 'id':
      return { sql: 'cr.dynamics_id = ANY($4::uuid[])', params: [filter.values] };
    case 'leadId':
      return {
        sql: `cr.person_dynamics_id IN (SELECT dynamics_id FROM persons WHERE id = ANY($4::bigint[]) AND dynamics_id IS NOT NULL
               UNION ALL SELECT dynamics_lead_id FROM persons WHERE id = ANY($4::bigint[]) AND dynamics_lead_id IS NOT NULL)`,
        params: [filter.values],
      };
    case 'field':
      return { sql: 'cr.fields ->> $5 = ANY($4::text[])', params: [filter.values, filter.field] };
  }
}

/** One page, in record id order after `afterId` ('' for the first page). */
export async function findCustomRecordsPage(
  c: SqlClient,
  table: string,
  filter: CustomRecordFilter,
  afterId: string,
  limit: number,
): Promise<StoredCustomRecord[]> {
  const w = where(filter);
  const r = await c.query<Row>(
    `SELECT ${COLUMNS} FROM custom_records cr
     WHERE cr.table_name = $1 AND NOT cr.dynamics_deleted AND ($2 = '' OR cr.dynamics_id > $2::uuid) AND ${w.sql}
     ORDER BY cr.dynamics_id LIMIT $3`,
    [table, afterId, limit, ...w.params],
  );
  return r.rows.map(toRecord);
}

/** A person's records of every enabled table: linked to the person, or to the person's company. */
export async function personCustomRecords(c: SqlClient, personId: number, limit = 200): Promise<StoredCustomRecord[]> {
  const r = await c.query<Row>(
    `WITH me AS (SELECT dynamics_id, dynamics_lead_id, account_dynamics_id FROM persons WHERE id = $1)
     SELECT ${COLUMNS} FROM custom_records cr, me
     WHERE NOT cr.dynamics_deleted AND cr.table_name IN (SELECT name FROM custom_tables)
       AND (cr.person_dynamics_id IN (me.dynamics_id, me.dynamics_lead_id) OR cr.account_dynamics_id = me.account_dynamics_id)
     ORDER BY cr.table_name, cr.dynamics_modified_on DESC NULLS LAST, cr.dynamics_id LIMIT $2`,
    [personId, limit],
  );
  return r.rows.map(toRecord);
}
