/**
 * The outbox: person field changes waiting to be written to Dynamics. A row is added in the same
 * transaction as the local change (recordPersonChange), so a change is never stored without its
 * write, nor a write queued for a change that rolled back. One row per person and field: a second
 * change of the field replaces the value (and bumps `revision`), so a confirmation of an older send
 * leaves the newer value pending. The sender (sync/sender.ts) is the only reader.
 */
import { ActivityType, PERSON_TYPES } from '../domain/index.js';
import type { SqlClient } from './db/types.js';
import { recordSyncError } from './sync-errors.js';

export interface OutboxRow {
  readonly id: number;
  readonly personId: number;
  readonly entity: 'lead' | 'contact';
  readonly dynamicsId: string;
  readonly op: 'update' | 'create';
  readonly field: string;
  readonly value: unknown;
  readonly base: unknown;
  readonly revision: number;
  /** The person's versionnumber when the batch was built (the If-Match). */
  readonly version: number | null;
}

export interface FieldChange {
  readonly field: string;
  readonly value: unknown;
  /** The value before the change (what Dynamics last gave, unless an earlier change is still pending). */
  readonly old: unknown;
}

/**
 * Queues the writes of a person's changed fields, inside the caller's transaction. Only fields
 * selected for the person's table are queued; a marketing-only person (no Dynamics id) and one
 * whose sync stopped (new_synctomkto No) queue nothing. A change also re-queues the person's
 * failed writes: a refused write is retried when the person changes again.
 */
export async function recordPersonChange(
  tx: SqlClient,
  personId: number,
  changes: readonly FieldChange[],
): Promise<number> {
  if (changes.length === 0) return 0;
  // A person whose create is queued (or was refused) folds the change into the create: the sender
  // builds the create from the person's current values, so there is no record to PATCH yet. The
  // new revision keeps the row pending when an older send is confirmed (sender-create.ts).
  const folded = await tx.query(
    `UPDATE outbox SET revision = revision + 1, state = 'pending', sync_error_id = NULL, enqueued_at = $2
     WHERE person_id = $1 AND op = 'create'`,
    [personId, new Date()],
  );
  if (folded.rowCount > 0) return folded.rowCount;
  const res = await tx.query(
    `WITH p AS (
       SELECT id, dynamics_id, CASE dynamics_type WHEN $4 THEN 'lead' ELSE 'contact' END AS entity
       FROM persons WHERE id = $1 AND dynamics_id IS NOT NULL AND dynamics_type IN ($4, $5) AND NOT sync_stopped
     )
     INSERT INTO outbox (person_id, entity, dynamics_id, op, field, value, base)
     SELECT p.id, p.entity, p.dynamics_id, 'update', c.field, c.value, c.old
     FROM p CROSS JOIN jsonb_to_recordset($2::jsonb) AS c(field text, value jsonb, old jsonb)
     WHERE EXISTS (SELECT 1 FROM field_selection s WHERE s.entity = p.entity AND s.local_name = c.field)
     ON CONFLICT (person_id, field) DO UPDATE SET value = EXCLUDED.value, revision = outbox.revision + 1,
       state = 'pending', sync_error_id = NULL, enqueued_at = $3,
       base = CASE WHEN outbox.state = 'pending' THEN outbox.base ELSE EXCLUDED.base END`,
    [
      personId,
      JSON.stringify(changes.map((c) => ({ field: c.field, value: c.value ?? null, old: c.old ?? null }))),
      new Date(),
      PERSON_TYPES.lead,
      PERSON_TYPES.contact,
    ],
  );
  if (res.rowCount > 0) {
    await tx.query(
      `UPDATE outbox SET state = 'pending', sync_error_id = NULL WHERE person_id = $1 AND state = 'failed'`,
      [personId],
    );
  }
  return res.rowCount;
}

/**
 * The pending writes of the first `persons` persons, oldest change first, with each person's version.
 * A create's value is `{ owner, fields }`: the owner chosen at push time and the person's current fields.
 */
export async function pendingWritesByPerson(
  c: SqlClient,
  persons: number,
  exclude: readonly number[] = [],
): Promise<OutboxRow[][]> {
  const res = await c.query<{
    id: number;
    person_id: number;
    entity: 'lead' | 'contact';
    dynamics_id: string;
    op: 'update' | 'create';
    field: string;
    value: unknown;
    base: unknown;
    revision: number;
    version: number | null;
  }>(
    `WITH first AS (
       SELECT person_id, min(id) AS first_id FROM outbox
       WHERE state = 'pending' AND NOT (person_id = ANY($2::bigint[]))
       GROUP BY person_id ORDER BY min(id) LIMIT $1
     )
     SELECT o.id, o.person_id, o.entity, o.dynamics_id, o.op, o.field, o.base, o.revision,
            CASE WHEN o.op = 'create' THEN jsonb_build_object('owner', o.value -> 'owner', 'fields', p.fields) ELSE o.value END AS value,
            p.dynamics_version AS version
     FROM first f JOIN outbox o ON o.person_id = f.person_id AND o.state = 'pending'
     JOIN persons p ON p.id = o.person_id
     ORDER BY f.first_id, o.id`,
    [persons, exclude],
  );
  const groups = new Map<number, OutboxRow[]>();
  for (const r of res.rows) {
    const row: OutboxRow = {
      id: Number(r.id),
      personId: Number(r.person_id),
      entity: r.entity,
      dynamicsId: r.dynamics_id,
      op: r.op,
      field: r.field,
      value: r.value,
      base: r.base,
      revision: Number(r.revision),
      version: r.version === null ? null : Number(r.version),
    };
    groups.set(row.personId, [...(groups.get(row.personId) ?? []), row]);
  }
  return [...groups.values()];
}

const ids = (rows: readonly OutboxRow[]) => rows.map((r) => r.id);
const revisions = (rows: readonly OutboxRow[]) => rows.map((r) => r.revision);

/** Deletes the sent rows whose value did not change since (a newer value stays pending). */
export async function dropWrites(tx: SqlClient, rows: readonly OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `DELETE FROM outbox o USING unnest($1::bigint[], $2::int[]) AS s(id, revision) WHERE o.id = s.id AND o.revision = s.revision`,
    [ids(rows), revisions(rows)],
  );
}

/** Dynamics took the write: its rows go, and the person keeps the version the write produced. */
export async function confirmWrites(
  tx: SqlClient,
  personId: number,
  rows: readonly OutboxRow[],
  version: number | null,
): Promise<void> {
  await dropWrites(tx, rows);
  await storeVersion(tx, personId, version);
}

/** Versions only move forward: a delta may already have brought a newer one. */
export async function storeVersion(tx: SqlClient, personId: number, version: number | null): Promise<void> {
  if (version === null) return;
  await tx.query('UPDATE persons SET dynamics_version = GREATEST(coalesce(dynamics_version, 0), $2) WHERE id = $1', [
    personId,
    version,
  ]);
}

export interface RefusedWrite {
  readonly entity: string;
  readonly recordId: string;
  readonly operation: 'create' | 'update';
  readonly code: string;
  readonly message: string;
}

/**
 * Dynamics refused the write: a sync error (direction to_dynamics) and a Sync Error activity on the
 * person; the rows stay, marked failed, until the person changes again or an admin retries.
 */
export async function failWrites(
  tx: SqlClient,
  personId: number,
  rows: readonly OutboxRow[],
  e: RefusedWrite,
  now = new Date(),
): Promise<number> {
  const errorId = await recordSyncError(tx, { ...e, direction: 'to_dynamics', personId, occurredAt: now });
  await tx.query(
    `INSERT INTO activities (person_id, type_id, occurred_at, primary_attribute_value, attributes)
     VALUES ($1, ${ActivityType.SyncError}, $2, $3,
             jsonb_build_object('entity', $4::text, 'code', $3::text, 'message', $5::text, 'direction', 'to_dynamics',
                                'operation', $6::text, 'fields', $7::jsonb))`,
    [personId, now, e.code, e.entity, e.message, e.operation, JSON.stringify(rows.map((r) => r.field))],
  );
  await tx.query(
    `UPDATE outbox o SET state = 'failed', sync_error_id = $3
     FROM unnest($1::bigint[], $2::int[]) AS s(id, revision) WHERE o.id = s.id AND o.revision = s.revision`,
    [ids(rows), revisions(rows), errorId],
  );
  return errorId;
}

/** An admin retries a refused write: its rows are pending again. Returns how many. */
export async function retryFailedWrites(c: SqlClient, syncErrorId: number): Promise<number> {
  const res = await c.query(
    `UPDATE outbox SET state = 'pending', sync_error_id = NULL WHERE sync_error_id = $1 AND state = 'failed'`,
    [syncErrorId],
  );
  return res.rowCount;
}

export async function hasPendingWrites(c: SqlClient): Promise<boolean> {
  return (await c.query(`SELECT 1 FROM outbox WHERE state = 'pending' LIMIT 1`)).rowCount > 0;
}

export async function outboxCounts(c: SqlClient): Promise<{ pending: number; failed: number }> {
  const r = await c.query<{ pending: number; failed: number }>(
    `SELECT count(*) FILTER (WHERE state = 'pending')::int AS pending, count(*) FILTER (WHERE state = 'failed')::int AS failed FROM outbox`,
  );
  return r.rows[0] ?? { pending: 0, failed: 0 };
}

/** A person's writes not yet confirmed by Dynamics (pending or failed). */
export async function personWritesWaiting(
  c: SqlClient,
  personId: number,
): Promise<{ pending: number; failed: number }> {
  const r = await c.query<{ pending: number; failed: number }>(
    `SELECT count(*) FILTER (WHERE state = 'pending')::int AS pending, count(*) FILTER (WHERE state = 'failed')::int AS failed
     FROM outbox WHERE person_id = $1`,
    [personId],
  );
  return r.rows[0] ?? { pending: 0, failed: 0 };
}
