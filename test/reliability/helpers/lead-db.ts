/**
 * Reads the whole lead database the way a checker needs it: every person, company and sales person
 * by Dynamics id, the field selection with column types, and activity/sync-error audits. Keyset
 * pages keep memory bounded on the medium seed.
 */
import { silentLogger } from '../../../src/config/logger.js';
import { ActivityType } from '../../../src/domain/index.js';
import { openDb } from '../../../src/store/db/open.js';
import type { Db, SqlClient } from '../../../src/store/db/types.js';

export interface SelectedColumn {
  readonly logicalName: string;
  readonly localName: string;
  readonly attributeType: string;
  readonly readable: boolean;
}

export interface StoredRecord {
  readonly id: number;
  readonly fields: Record<string, unknown>;
  readonly deleted: boolean;
  readonly accountId: string | null;
  readonly ownerId: string | null;
  readonly email: string | null;
  /** Persons only: Microsoft Type ('Lead' or 'Contact'), and the lead a contact was qualified from. */
  readonly type: string | null;
  readonly leadId: string | null;
}

export interface LeadSnapshot {
  readonly selection: ReadonlyMap<string, readonly SelectedColumn[]>;
  readonly persons: ReadonlyMap<string, StoredRecord>;
  readonly companies: ReadonlyMap<string, StoredRecord>;
  readonly salesPersons: ReadonlyMap<string, StoredRecord>;
}

/**
 * The lead database a stopped (or killed) dynasync process left: PGlite in its data directory, or
 * PostgreSQL when it ran with DATABASE_URL.
 */
export type LeadLocation = string | { readonly databaseUrl: string };

export const openLeadDb = (where: LeadLocation): Promise<Db> =>
  openDb(
    typeof where === 'string'
      ? { dataDir: where, logger: silentLogger() }
      : { databaseUrl: where.databaseUrl, logger: silentLogger() },
  );

export async function withLeadDb<T>(where: LeadLocation, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openLeadDb(where);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

const TABLES = {
  persons:
    'SELECT id, dynamics_id, fields, dynamics_deleted, account_dynamics_id, owner_dynamics_id, email, dynamics_type, dynamics_lead_id FROM persons',
  companies:
    'SELECT id, dynamics_id, fields, dynamics_deleted, NULL::uuid AS account_dynamics_id, owner_dynamics_id, NULL AS email, NULL AS dynamics_type, NULL::uuid AS dynamics_lead_id FROM companies',
  sales_persons:
    'SELECT id, dynamics_id, fields, dynamics_deleted, NULL::uuid AS account_dynamics_id, NULL::uuid AS owner_dynamics_id, NULL AS email, NULL AS dynamics_type, NULL::uuid AS dynamics_lead_id FROM sales_persons',
} as const;

interface RawRecord {
  id: number | string;
  dynamics_id: string | null;
  fields: Record<string, unknown>;
  dynamics_deleted: boolean;
  account_dynamics_id: string | null;
  owner_dynamics_id: string | null;
  email: string | null;
  dynamics_type: string | null;
  dynamics_lead_id: string | null;
}

async function readTable(db: SqlClient, table: keyof typeof TABLES): Promise<Map<string, StoredRecord>> {
  const out = new Map<string, StoredRecord>();
  for (let after = 0; ;) {
    const res = await db.query<RawRecord>(`${TABLES[table]} WHERE id > $1 ORDER BY id LIMIT 10000`, [after]);
    if (res.rows.length === 0) return out;
    for (const r of res.rows) {
      after = Number(r.id);
      if (r.dynamics_id === null) continue; // local-only persons have no Dynamics counterpart
      out.set(r.dynamics_id, {
        id: Number(r.id),
        fields: r.fields,
        deleted: r.dynamics_deleted,
        accountId: r.account_dynamics_id,
        ownerId: r.owner_dynamics_id,
        email: r.email,
        type: r.dynamics_type,
        leadId: r.dynamics_lead_id,
      });
    }
  }
}

export async function readSelection(db: SqlClient): Promise<Map<string, SelectedColumn[]>> {
  const res = await db.query<{
    entity: string;
    logical_name: string;
    local_name: string;
    attribute_type: string;
    readable: boolean;
  }>(
    `SELECT s.entity, s.logical_name, s.local_name, c.attribute_type, c.readable
     FROM field_selection s JOIN field_catalog c USING (entity, logical_name) ORDER BY s.entity, s.logical_name`,
  );
  const out = new Map<string, SelectedColumn[]>();
  for (const r of res.rows) {
    const list = out.get(r.entity) ?? [];
    list.push({
      logicalName: r.logical_name,
      localName: r.local_name,
      attributeType: r.attribute_type,
      readable: r.readable,
    });
    out.set(r.entity, list);
  }
  return out;
}

export async function readSnapshot(db: SqlClient): Promise<LeadSnapshot> {
  return {
    selection: await readSelection(db),
    persons: await readTable(db, 'persons'),
    companies: await readTable(db, 'companies'),
    salesPersons: await readTable(db, 'sales_persons'),
  };
}

export interface ActivityAudit {
  /** Persons with a Dynamics id and not exactly one New Lead. */
  readonly personsWithoutOneNewLead: number;
  readonly newLeads: number;
  /** Activities whose person does not exist. */
  readonly orphans: number;
  /** Change Data Values counted by `cdvKey(...)`. */
  readonly cdv: ReadonlyMap<string, number>;
  readonly cdvTotal: number;
}

export const cdvKey = (personDynamicsId: string, field: string, oldValue: unknown, newValue: unknown): string =>
  `${personDynamicsId}|${field}|${JSON.stringify(oldValue ?? null)}|${JSON.stringify(newValue ?? null)}`;

export async function auditActivities(db: SqlClient): Promise<ActivityAudit> {
  const one = await db.query<{ bad: number; leads: number; orphans: number }>(
    `SELECT (SELECT count(*) FROM persons p WHERE p.dynamics_id IS NOT NULL AND
               (SELECT count(*) FROM activities a WHERE a.person_id = p.id AND a.type_id = ${ActivityType.NewLead}) <> 1)::int AS bad,
            (SELECT count(*) FROM activities WHERE type_id = ${ActivityType.NewLead})::int AS leads,
            (SELECT count(*) FROM activities a WHERE NOT EXISTS (SELECT 1 FROM persons p WHERE p.id = a.person_id))::int AS orphans`,
  );
  const grouped = await db.query<{
    dynamics_id: string;
    field: string;
    old_value: unknown;
    new_value: unknown;
    n: number;
  }>(
    `SELECT p.dynamics_id, a.attributes->>'field' AS field, a.attributes->'oldValue' AS old_value,
            a.attributes->'newValue' AS new_value, count(*)::int AS n
     FROM activities a JOIN persons p ON p.id = a.person_id
     WHERE a.type_id = ${ActivityType.ChangeDataValue}
     GROUP BY 1, 2, 3, 4`,
  );
  const cdv = new Map<string, number>();
  let cdvTotal = 0;
  for (const r of grouped.rows) {
    cdv.set(cdvKey(r.dynamics_id, r.field, r.old_value, r.new_value), r.n);
    cdvTotal += r.n;
  }
  const o = one.rows[0]!;
  return { personsWithoutOneNewLead: o.bad, newLeads: o.leads, orphans: o.orphans, cdv, cdvTotal };
}

export interface StoredSyncError {
  readonly entity: string;
  readonly recordId: string | null;
  readonly operation: string;
  readonly code: string;
  readonly message: string;
  readonly personId: number | null;
}

export async function readSyncErrors(db: SqlClient): Promise<StoredSyncError[]> {
  const res = await db.query<{
    entity: string;
    record_id: string | null;
    operation: string;
    code: string;
    message: string;
    person_id: string | number | null;
  }>('SELECT entity, record_id, operation, code, message, person_id FROM sync_errors ORDER BY id');
  return res.rows.map((r) => ({
    entity: r.entity,
    recordId: r.record_id,
    operation: r.operation,
    code: r.code,
    message: r.message,
    personId: r.person_id === null ? null : Number(r.person_id),
  }));
}
