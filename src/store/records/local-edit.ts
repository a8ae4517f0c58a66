/**
 * A company field edited through one person: the company's value changes (so every person of the
 * company shows it), a Change Data Value is logged on up to CDV_FAN_OUT_CAP of them, and nothing
 * is sent to Dynamics. The next Dynamics update of the account overwrites it; a re-read of the
 * unchanged account keeps it (the field is listed in `local_edits`, see companies.ts).
 */
import { ActivityType, CDV_FAN_OUT_CAP, InvalidInputError, NotFoundError } from '../../domain/index.js';
import type { Db } from '../db/types.js';

export interface LocalEditResult {
  readonly companyId: number;
  readonly oldValue: unknown;
  readonly newValue: unknown;
  /** Persons of the company (all of them now show the new value). */
  readonly persons: number;
  readonly activities: number;
}

export async function setCompanyFieldViaPerson(
  db: Db,
  input: { personId: number; field: string; value: string | number | boolean | null; companyFields: readonly string[]; now?: Date },
): Promise<LocalEditResult> {
  if (!input.companyFields.includes(input.field)) {
    throw new InvalidInputError(
      'not_a_company_field',
      `'${input.field}' is not a synced company field (company fields: ${input.companyFields.join(', ') || 'none selected'})`,
    );
  }
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const person = await tx.query<{ account: string | null }>(
      'SELECT account_dynamics_id AS account FROM persons WHERE id = $1',
      [input.personId],
    );
    if (!person.rows[0]) throw new NotFoundError('person_not_found', `No person with id ${input.personId}`);
    // Lock the company row: two edits of one field must log old values in the order they apply.
    const found = await tx.query<{ company_id: number; dynamics_id: string; old: unknown }>(
      `SELECT id AS company_id, dynamics_id, fields -> $2 AS old FROM companies WHERE dynamics_id = $1 FOR UPDATE`,
      [person.rows[0].account, input.field],
    );
    const row = found.rows[0];
    if (!row) {
      throw new InvalidInputError('no_company', `Person ${input.personId} has no synced company to edit`);
    }
    const newJson = JSON.stringify(input.value);
    await tx.query(
      `UPDATE companies SET fields = jsonb_set(fields, ARRAY[$2], $3::jsonb, true), updated_at = $4,
         local_edits = CASE WHEN $2 = ANY(local_edits) THEN local_edits ELSE array_append(local_edits, $2::text) END
       WHERE id = $1`,
      [row.company_id, input.field, newJson, now],
    );
    const logged = await tx.query(
      `INSERT INTO activities (person_id, type_id, occurred_at, primary_attribute_value, attributes)
       SELECT p.id, ${ActivityType.ChangeDataValue}, $2, $3,
              jsonb_build_object('field', $3::text, 'oldValue', $4::jsonb, 'newValue', $5::jsonb,
                                 'reason', 'Company field changed in the lead database', 'source', 'local',
                                 'entity', 'account', 'editedThroughPersonId', $6::bigint)
       FROM (SELECT id FROM persons WHERE account_dynamics_id = $1 AND NOT dynamics_deleted
             ORDER BY id LIMIT ${CDV_FAN_OUT_CAP}) p`,
      [row.dynamics_id, now, input.field, JSON.stringify(row.old ?? null), newJson, input.personId],
    );
    const count = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM persons WHERE account_dynamics_id = $1`,
      [row.dynamics_id],
    );
    return {
      companyId: Number(row.company_id),
      oldValue: row.old ?? null,
      newValue: input.value,
      persons: count.rows[0]!.n,
      activities: logged.rowCount,
    };
  });
}
