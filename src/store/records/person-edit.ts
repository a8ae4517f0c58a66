/**
 * Person (lead or contact) fields edited in the lead database (REST API, UI, CLI). Each changed
 * field logs a Change Data Value, and the synced ones are queued for Dynamics in the same
 * transaction (outbox.ts): the sender writes them, under the collision rules of sync/sender.ts.
 */
import { ActivityType, NotFoundError } from '../../domain/index.js';
import type { Db, SqlClient } from '../db/types.js';
import { recordPersonChange } from '../outbox.js';

export interface PersonEditResult {
  /** The fields whose value changed (unchanged ones log nothing). */
  readonly changed: readonly string[];
}

// One statement per step, all keyed by the edit as one jsonb object; `email` also fills the
// indexed email column the lookups use.
const LOG_CHANGES = `
INSERT INTO activities (person_id, type_id, occurred_at, primary_attribute_value, attributes)
SELECT p.id, ${ActivityType.ChangeDataValue}, $3, n.key,
       jsonb_build_object('field', n.key, 'oldValue', coalesce(p.fields -> n.key, 'null'::jsonb), 'newValue', n.value,
                          'reason', $4::text, 'source', 'local', 'entity', CASE p.dynamics_type WHEN 'Lead' THEN 'lead' ELSE 'contact' END)
FROM persons p CROSS JOIN LATERAL jsonb_each($2::jsonb) n
WHERE p.id = $1 AND coalesce(p.fields -> n.key, 'null'::jsonb) IS DISTINCT FROM n.value
RETURNING primary_attribute_value, attributes -> 'oldValue' AS old_value, attributes -> 'newValue' AS new_value`;

const APPLY = `
UPDATE persons SET fields = fields || $2::jsonb,
       email = CASE WHEN $2::jsonb ? 'email' THEN $2::jsonb ->> 'email' ELSE email END,
       updated_at = $3
WHERE id = $1`;

type Values = Readonly<Record<string, string | number | boolean | null>>;

export function setPersonFieldsLocally(
  db: Db,
  input: { personId: number; values: Values; reason: string; now?: Date },
): Promise<PersonEditResult> {
  return db.transaction((tx) => applyPersonFields(tx, { ...input, now: input.now ?? new Date() }));
}

/** The same inside the caller's transaction; the person row stays locked until it ends. */
export async function applyPersonFields(
  tx: SqlClient,
  input: { personId: number; values: Values; reason: string; now: Date },
): Promise<PersonEditResult> {
  const found = await tx.query('SELECT id FROM persons WHERE id = $1 FOR UPDATE', [input.personId]);
  if (found.rowCount === 0) throw new NotFoundError('person_not_found', `No person with id ${input.personId}`);
  if (Object.keys(input.values).length === 0) return { changed: [] };
  const json = JSON.stringify(input.values);
  const logged = await tx.query<{ primary_attribute_value: string; old_value: unknown; new_value: unknown }>(
    LOG_CHANGES,
    [input.personId, json, input.now, input.reason],
  );
  if (logged.rowCount > 0) await tx.query(APPLY, [input.personId, json, input.now]);
  // The synced fields go to Dynamics: queued in this same transaction (outbox.ts).
  await recordPersonChange(
    tx,
    input.personId,
    logged.rows.map((r) => ({ field: r.primary_attribute_value, value: r.new_value, old: r.old_value })),
  );
  return { changed: logged.rows.map((r) => r.primary_attribute_value) };
}
