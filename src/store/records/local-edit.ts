/**
 * Edits made in the lead database (REST API, admin API, CLI), never sent to Dynamics. A record's
 * edit is one transaction, person fields and company fields together: all of it applies or none.
 * A company field edited through a person changes the company (so every person of it shows the new
 * value) and logs a Change Data Value on up to CDV_FAN_OUT_CAP of its persons; the next Dynamics
 * update of the account overwrites it; a re-read of the unchanged account keeps it (the field is
 * listed in `local_edits`, see companies.ts).
 */
import { ActivityType, CDV_FAN_OUT_CAP, InvalidInputError } from '../../domain/index.js';
import { recordAudit, type AuditOf } from '../audit-log.js';
import type { Db, SqlClient } from '../db/types.js';
import { applyPersonFields } from './person-edit.js';

type Value = string | number | boolean | null;

/** The whole change of one record: the person's own fields and its company's, by local name. */
export interface LeadRecordChange {
  readonly personId: number;
  readonly personValues: Readonly<Record<string, Value>>;
  readonly companyValues: Readonly<Record<string, Value>>;
  /** The reason logged on the person's own Change Data Values. */
  readonly reason: string;
  readonly now?: Date;
}

export interface LeadRecordResult {
  readonly personChanged: readonly string[];
  readonly company: CompanyEditResult | null;
}

export interface CompanyEditResult {
  readonly companyId: number;
  /** Old values of the fields whose value changed (unchanged ones log nothing). */
  readonly oldValues: Readonly<Record<string, unknown>>;
  /** Persons of the company (all of them now show the new values). */
  readonly persons: number;
  readonly activities: number;
}

/** Applies one record's change in one transaction; a refusal (typed error) leaves everything as it was. */
export function applyLeadRecordChange(db: Db, change: LeadRecordChange): Promise<LeadRecordResult> {
  return db.transaction((tx) => applyLeadRecordChangeIn(tx, change));
}

/** The same inside the caller's transaction (which may add its own rows, e.g. an outbox entry). */
export async function applyLeadRecordChangeIn(tx: SqlClient, change: LeadRecordChange): Promise<LeadRecordResult> {
  const now = change.now ?? new Date();
  const { changed } = await applyPersonFields(tx, {
    personId: change.personId,
    values: change.personValues,
    reason: change.reason,
    now,
  });
  const company =
    Object.keys(change.companyValues).length > 0
      ? await applyCompanyFields(tx, change.personId, change.companyValues, now)
      : null;
  return { personChanged: changed, company };
}

// Logged before the update, so oldValue is the value replaced; only fields whose value changes.
const LOG_COMPANY_CHANGES = `
INSERT INTO activities (person_id, type_id, occurred_at, primary_attribute_value, attributes)
SELECT p.id, ${ActivityType.ChangeDataValue}, $2, n.key,
       jsonb_build_object('field', n.key, 'oldValue', coalesce(c.fields -> n.key, 'null'::jsonb), 'newValue', n.value,
                          'reason', 'Company field changed in the lead database', 'source', 'local',
                          'entity', 'account', 'editedThroughPersonId', $4::bigint)
FROM companies c CROSS JOIN LATERAL jsonb_each($3::jsonb) n
CROSS JOIN LATERAL (SELECT id FROM persons WHERE account_dynamics_id = c.dynamics_id AND NOT dynamics_deleted
                    ORDER BY id LIMIT ${CDV_FAN_OUT_CAP}) p
WHERE c.id = $1 AND coalesce(c.fields -> n.key, 'null'::jsonb) IS DISTINCT FROM n.value`;

async function applyCompanyFields(
  tx: SqlClient,
  personId: number,
  values: Readonly<Record<string, Value>>,
  now: Date,
): Promise<CompanyEditResult> {
  // Lock the company row: two edits of one field must log old values in the order they apply.
  const found = await tx.query<{ company_id: number | string; dynamics_id: string; fields: Record<string, unknown> }>(
    `SELECT c.id AS company_id, c.dynamics_id, c.fields FROM persons p JOIN companies c ON c.dynamics_id = p.account_dynamics_id
     WHERE p.id = $1 FOR UPDATE OF c`,
    [personId],
  );
  const row = found.rows[0];
  if (!row) throw new InvalidInputError('no_company', `Person ${personId} has no synced company to edit`);
  const json = JSON.stringify(values);
  const logged = await tx.query(LOG_COMPANY_CHANGES, [row.company_id, now, json, personId]);
  await tx.query(
    `UPDATE companies SET fields = fields || $2::jsonb, updated_at = $3,
       local_edits = ARRAY(SELECT DISTINCT e FROM unnest(local_edits || $4::text[]) e ORDER BY e)
     WHERE id = $1`,
    [row.company_id, json, now, Object.keys(values)],
  );
  const count = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM persons WHERE account_dynamics_id = $1', [
    row.dynamics_id,
  ]);
  const oldValues = Object.fromEntries(
    Object.entries(values)
      .filter(([k, v]) => JSON.stringify(row.fields[k] ?? null) !== JSON.stringify(v))
      .map(([k]) => [k, row.fields[k] ?? null]),
  );
  return { companyId: Number(row.company_id), oldValues, persons: count.rows[0]!.n, activities: logged.rowCount };
}

export interface LocalEditResult {
  readonly companyId: number;
  readonly oldValue: unknown;
  readonly newValue: unknown;
  readonly persons: number;
  readonly activities: number;
}

/** One company field through one person (admin API, CLI): a record change without person fields. */
export async function setCompanyFieldViaPerson(
  db: Db,
  input: { personId: number; field: string; value: Value; companyFields: readonly string[]; now?: Date },
  audit?: AuditOf<LocalEditResult>,
): Promise<LocalEditResult> {
  if (!input.companyFields.includes(input.field)) {
    throw new InvalidInputError(
      'not_a_company_field',
      `'${input.field}' is not a synced company field (company fields: ${input.companyFields.join(', ') || 'none selected'})`,
    );
  }
  return db.transaction(async (tx) => {
    const r = await applyLeadRecordChangeIn(tx, {
      personId: input.personId,
      personValues: {},
      companyValues: { [input.field]: input.value },
      reason: '',
      now: input.now,
    });
    const c = r.company!;
    const oldValue = input.field in c.oldValues ? c.oldValues[input.field] : input.value;
    const result = {
      companyId: c.companyId,
      oldValue,
      newValue: input.value,
      persons: c.persons,
      activities: c.activities,
    };
    if (audit) await recordAudit(tx, audit(result));
    return result;
  });
}
