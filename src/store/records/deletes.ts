/**
 * Deletes from Dynamics, one rule for every synced table: a record deleted in Dynamics stays,
 * flagged `dynamics_deleted`, so a company keeps its people and a person its history.
 */
import type { SqlClient } from '../db/types.js';

/** The table each synced entity's records live in, and which of its rows that entity owns. */
export const HOLDERS = {
  systemuser: { table: 'sales_persons', owns: 'true' },
  account: { table: 'companies', owns: 'true' },
  // Persons are contacts, leads and local-only people: each table owns only its own rows.
  contact: { table: 'persons', owns: `dynamics_type = 'Contact'` },
  lead: { table: 'persons', owns: `dynamics_type = 'Lead'` },
  opportunity: { table: 'opportunities', owns: 'true' },
  connection: { table: 'opportunity_connections', owns: 'true' },
} as const;
export type HeldEntity = keyof typeof HOLDERS;

export const isHeld = (entity: string): entity is HeldEntity => entity in HOLDERS;

/** `$deletedEntity` rows of a delta read. */
export async function markDeleted(
  tx: SqlClient,
  entity: HeldEntity,
  ids: readonly string[],
  now: Date,
): Promise<number> {
  if (ids.length === 0) return 0;
  const { table, owns } = HOLDERS[entity];
  const res = await tx.query(
    `UPDATE ${table} SET dynamics_deleted = true, updated_at = $2
     WHERE dynamics_id = ANY($1::uuid[]) AND ${owns} AND NOT dynamics_deleted`,
    [ids, now],
  );
  return res.rowCount;
}

// A person pushed to Dynamics whose create is not confirmed yet has its id but no row there yet.
const NOT_BEING_CREATED = `NOT EXISTS (SELECT 1 FROM outbox o WHERE o.person_id = persons.id AND o.op = 'create')`;

/** After a full read: rows it did not see (read, stored or skipped) were deleted while we were not looking. */
export async function markUnseenDeleted(
  tx: SqlClient,
  entity: HeldEntity,
  generation: number,
  now: Date,
): Promise<number> {
  const { table, owns } = HOLDERS[entity];
  const res = await tx.query(
    `UPDATE ${table} SET dynamics_deleted = true, updated_at = $2
     WHERE seen_generation < $1 AND ${owns} AND NOT dynamics_deleted${table === 'persons' ? ` AND ${NOT_BEING_CREATED}` : ''}`,
    [generation, now],
  );
  return res.rowCount;
}
