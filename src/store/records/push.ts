/**
 * "Sync Person to Microsoft": a marketing-only person is queued for creation in Dynamics, as a lead
 * or a contact, optionally owned by a synced sales person. One transaction holds everything: the
 * person gets the primary key dynasync chose (and the Microsoft Type it will have), an outbox row
 * op 'create' carries it to the sender, and a Sync Lead to Microsoft activity is logged. Because
 * the person holds its Dynamics id from the start, the delta that brings the new record back finds
 * this person (people-sync.ts matches by dynamics_id) even before the sender confirmed the create,
 * and a resent create can only hit the same key (the duplicate-key answer, see sync/sender-create.ts).
 */
import { randomUUID } from 'node:crypto';
import { ActivityType, PERSON_TYPES, type PushTarget } from '../../domain/index.js';
import type { Db, SqlClient } from '../db/types.js';

export interface PushRequest {
  readonly personId: number;
  readonly syncAs: PushTarget;
  /** The owner's email (or user name) among the synced sales persons; null keeps the sync user as owner. */
  readonly ownerEmail: string | null;
  /** Where the push came from, for the activity ('rest', 'ui', 'cli'). */
  readonly source: string;
  readonly now?: Date;
}

export type PushSkipCode = 'person_not_found' | 'already_in_dynamics' | 'already_queued' | 'owner_not_found';

export type PushOutcome =
  | {
      readonly status: 'queued';
      readonly personId: number;
      readonly dynamicsId: string;
      readonly syncAs: PushTarget;
      readonly ownerId: string | null;
    }
  | { readonly status: 'skipped'; readonly personId: number; readonly code: PushSkipCode; readonly message: string };

/** A synced, enabled, not deleted sales person by email or user name (case-insensitive). */
export async function findOwnerByEmail(c: SqlClient, email: string): Promise<string | null> {
  const r = await c.query<{ dynamics_id: string }>(
    `SELECT dynamics_id FROM sales_persons
     WHERE NOT dynamics_deleted AND coalesce(fields ->> 'isDisabled', 'false') <> 'true'
       AND (lower(fields ->> 'email') = lower($1) OR lower(fields ->> 'userName') = lower($1))
     ORDER BY id LIMIT 1`,
    [email.trim()],
  );
  return r.rows[0]?.dynamics_id ?? null;
}

const skip = (personId: number, code: PushSkipCode, message: string): PushOutcome => ({
  status: 'skipped',
  personId,
  code,
  message,
});

/** Queues one person's create; a person already in Dynamics (or already queued) is a no-op, said so. */
export function queuePush(db: Db, req: PushRequest): Promise<PushOutcome> {
  return db.transaction((tx) => queuePushIn(tx, req));
}

export async function queuePushIn(tx: SqlClient, req: PushRequest): Promise<PushOutcome> {
  const now = req.now ?? new Date();
  const person = (
    await tx.query<{ dynamics_id: string | null; dynamics_type: string | null; dynamics_deleted: boolean }>(
      'SELECT dynamics_id, dynamics_type, dynamics_deleted FROM persons WHERE id = $1 FOR UPDATE',
      [req.personId],
    )
  ).rows[0];
  if (!person) return skip(req.personId, 'person_not_found', `No person with id ${req.personId}`);
  const create = (
    await tx.query<{ state: string }>(`SELECT state FROM outbox WHERE person_id = $1 AND op = 'create'`, [req.personId])
  ).rows[0];
  if (create?.state === 'pending') {
    return skip(
      req.personId,
      'already_queued',
      `Person ${req.personId} is already queued for creation in Dynamics as a ${person.dynamics_type?.toLowerCase()}`,
    );
  }
  // A refused create (state failed) never made a record: pushing again retries it, as chosen now.
  // A person whose record was deleted in Dynamics gets a new record (reference: a new lead).
  if (person.dynamics_id !== null && !create && !person.dynamics_deleted) {
    return skip(
      req.personId,
      'already_in_dynamics',
      `Person ${req.personId} is already in Dynamics (${person.dynamics_type ?? 'record'} ${person.dynamics_id}): nothing to push`,
    );
  }
  const ownerId = req.ownerEmail === null ? null : await findOwnerByEmail(tx, req.ownerEmail);
  if (req.ownerEmail !== null && ownerId === null) {
    return skip(
      req.personId,
      'owner_not_found',
      `No synced sales person has the email '${req.ownerEmail.slice(0, 254)}'`,
    );
  }
  const dynamicsId = create && person.dynamics_id ? person.dynamics_id : randomUUID();
  await tx.query(
    `UPDATE persons SET dynamics_id = $2, dynamics_type = $3, owner_dynamics_id = coalesce($4, owner_dynamics_id), updated_at = $5,
       dynamics_deleted = false, dynamics_version = NULL, dynamics_created_on = NULL,
       dynamics_lead_id = CASE WHEN dynamics_id = $2 THEN dynamics_lead_id END
     WHERE id = $1`,
    [req.personId, dynamicsId, PERSON_TYPES[req.syncAs], ownerId, now],
  );
  await tx.query(
    `INSERT INTO outbox (person_id, entity, dynamics_id, op, field, value, enqueued_at) VALUES ($1, $2, $3, 'create', '*', $4, $5)
     ON CONFLICT (person_id, field) DO UPDATE SET entity = EXCLUDED.entity, dynamics_id = EXCLUDED.dynamics_id, value = EXCLUDED.value,
       revision = outbox.revision + 1, state = 'pending', sync_error_id = NULL, enqueued_at = EXCLUDED.enqueued_at`,
    [req.personId, req.syncAs, dynamicsId, JSON.stringify({ owner: ownerId }), now],
  );
  await tx.query(
    `INSERT INTO activities (person_id, type_id, occurred_at, primary_attribute_value, attributes)
     VALUES ($1, ${ActivityType.SyncLeadToMicrosoft}, $2, $7,
             jsonb_build_object('assignTo', $3::text, 'syncAs', $4::text, 'dynamicsId', $5::text, 'source', $6::text))`,
    [req.personId, now, req.ownerEmail, req.syncAs, dynamicsId, req.source, String(req.personId)],
  );
  return { status: 'queued', personId: req.personId, dynamicsId, syncAs: req.syncAs, ownerId };
}
