/**
 * The end of a queued create (records/push.ts): Dynamics made the record (or already had it, when a
 * resend after a kill hits the duplicate key). The person keeps the version and dates Dynamics gave,
 * and counts as seen by the current full read of its table, so a full read that started before the
 * record existed does not mark it deleted.
 */
import type { SqlClient } from './db/types.js';
import { recordPersonChange, type FieldChange, type OutboxRow } from './outbox.js';

export interface CreatedRecord {
  readonly version: number | null;
  readonly createdOn: string | null;
  readonly modifiedOn: string | null;
}

async function storeCreated(tx: SqlClient, row: OutboxRow, rec: CreatedRecord): Promise<void> {
  await tx.query(
    `UPDATE persons SET dynamics_version = GREATEST(coalesce(dynamics_version, 0), coalesce($2, 0)),
       dynamics_created_on = coalesce(dynamics_created_on, $3::timestamptz),
       dynamics_modified_on = coalesce($4::timestamptz, dynamics_modified_on),
       seen_generation = GREATEST(seen_generation, coalesce((SELECT generation FROM checkpoints WHERE stream = $5), 0))
     WHERE id = $1`,
    [row.personId, rec.version, rec.createdOn, rec.modifiedOn, row.entity],
  );
}

/**
 * The create is done: its row goes unless the person changed while it was in flight (a newer
 * revision stays pending, and its resend reconciles through `createFoundExisting`). True when gone.
 */
export async function confirmCreate(tx: SqlClient, row: OutboxRow, rec: CreatedRecord): Promise<boolean> {
  const gone = await tx.query('DELETE FROM outbox WHERE id = $1 AND revision = $2', [row.id, row.revision]);
  await storeCreated(tx, row, rec);
  return gone.rowCount > 0;
}

/**
 * A resent create found the record already there (an earlier send was applied, its confirmation
 * lost). The create is done; the fields whose local value differs from the record's (changed
 * locally after that earlier send) become ordinary updates, based on the value Dynamics holds.
 */
export async function createFoundExisting(
  tx: SqlClient,
  row: OutboxRow,
  rec: CreatedRecord,
  differing: readonly FieldChange[],
): Promise<boolean> {
  const done = await confirmCreate(tx, row, rec);
  if (done) await recordPersonChange(tx, row.personId, differing);
  return done;
}
