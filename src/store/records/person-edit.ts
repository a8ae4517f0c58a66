/**
 * Person (contact) fields edited in the lead database, e.g. through the REST API. The values are
 * stored on the person only and each changed field logs a Change Data Value; nothing is sent to
 * Dynamics, and the next Dynamics update of the contact overwrites the fields it carries.
 */
import { ActivityType, NotFoundError } from '../../domain/index.js';
import type { Db } from '../db/types.js';

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

export async function setPersonFieldsLocally(
  db: Db,
  input: { personId: number; values: Readonly<Record<string, string | number | boolean | null>>; reason: string; now?: Date },
): Promise<PersonEditResult> {
  const now = input.now ?? new Date();
  const json = JSON.stringify(input.values);
  return db.transaction(async (tx) => {
    const found = await tx.query('SELECT id FROM persons WHERE id = $1 FOR UPDATE', [input.personId]);
    if (found.rowCount === 0) throw new NotFoundError('person_not_found', `No person with id ${input.personId}`);
    const logged = await tx.query<{ primary_attribute_value: string }>(LOG_CHANGES, [input.personId, json, now, input.reason]);
    if (logged.rowCount > 0) await tx.query(APPLY, [input.personId, json, now]);
    return { changed: logged.rows.map((r) => r.primary_attribute_value) };
  });
}
