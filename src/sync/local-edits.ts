/** Edits made in the lead database, validated against the field catalog before they are stored. */
import { InvalidInputError, NotFoundError } from '../domain/index.js';
import { coerceLocalValue } from '../mapping/index.js';
import type { AuditOf } from '../store/audit-log.js';
import type { Db } from '../store/db/types.js';
import { getPerson, setCompanyFieldViaPerson, type LocalEditResult } from '../store/records/index.js';
import { setPersonFieldsLocally, type PersonEditResult } from '../store/records/person-edit.js';
import { loadSelection } from './state.js';

/**
 * Sets a company (account) field through one of its persons: every person of the company shows the
 * new value at once, each gets a Change Data Value (at most 5,000), and nothing goes to Dynamics.
 */
export async function setCompanyFieldThroughPerson(
  db: Db,
  personId: number,
  field: string,
  input: unknown,
  audit?: AuditOf<LocalEditResult>,
): Promise<LocalEditResult> {
  const { catalog, selection } = await loadSelection(db, 'account');
  const chosen = selection.find((s) => s.localName === field || s.logicalName === field);
  if (!chosen) {
    const names = selection.map((s) => s.localName).sort();
    throw new InvalidInputError(
      'not_a_company_field',
      `'${field}' is not a synced company field. Company fields: ${names.join(', ') || 'none selected'}`,
    );
  }
  const column = catalog.find((c) => c.logicalName === chosen.logicalName);
  if (!column)
    throw new InvalidInputError(
      'not_a_company_field',
      `'${field}' is no longer in the field catalog; save the field selection again`,
    );
  const value = coerceLocalValue(column, input);
  return setCompanyFieldViaPerson(
    db,
    {
      personId,
      field: chosen.localName,
      value,
      companyFields: selection.map((s) => s.localName),
    },
    audit,
  );
}

/**
 * Sets a person field (a synced lead or contact column, by local or Dynamics name): stored on the
 * person with a Change Data Value, and queued for Dynamics in the same transaction (the outbox).
 * Returns null when the name is not a person field of the person's table (maybe a company field).
 */
export async function setPersonField(
  db: Db,
  personId: number,
  field: string,
  input: unknown,
): Promise<PersonEditResult | null> {
  const person = await getPerson(db, personId);
  if (!person) throw new NotFoundError('person_not_found', `No person with id ${personId}`);
  const { catalog, selection } = await loadSelection(db, person.dynamicsType === 'Lead' ? 'lead' : 'contact');
  const chosen = selection.find((s) => s.localName === field || s.logicalName === field);
  const column = chosen && catalog.find((c) => c.logicalName === chosen.logicalName);
  if (!chosen || !column) return null;
  const value = coerceLocalValue(column, input);
  return setPersonFieldsLocally(db, {
    personId,
    values: { [chosen.localName]: value },
    reason: 'Person updated in the lead database',
  });
}
