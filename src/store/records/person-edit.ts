/**
 * Person (contact) fields edited in the lead database, e.g. through the REST API. The values are
 * stored on the person only and each changed field logs a Change Data Value; nothing is sent to
 * Dynamics, and the next Dynamics update of the contact overwrites the fields it carries.
 */
import { ActivityType, NotFoundError } from '../../domain/index.js';
import type { Db, SqlClient } from '../db/types.js';

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
                          'reason', $4::text, 'source', 'local', 'entity', 'contact')
FROM persons p CROSS JOIN LATERAL jsonb_each($2::jsonb) n
WHERE p.id = $1 AND coalesce(p.fields -> n.key, 'null'::jsonb) IS DISTINCT FROM n.value
RETURNING primary_attribute_value`;

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
  const logged = await tx.query<{ primary_attribute_value: string }>(LOG_CHANGES, [input.personId, json, input.now, input.reason]);
  if (logged.rowCount > 0) await tx.query(APPLY, [input.personId, json, input.now]);
  return { changed: logged.rows.map((r) => r.primary_attribute_value) };
}
