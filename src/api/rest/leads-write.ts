/**
 * POST /rest/v1/leads.json: updates persons found by id or email. Persons come from Dynamics, so
 * nothing is created. Contact fields change on the person; company fields follow the account rule
 * (they change for every person of the company, log Change Data Value, and never go to Dynamics).
 * Each record is checked in full before anything of it is written, so a refused record changes nothing.
 */
import type { FastifyInstance } from 'fastify';
import { InvalidInputError, NotFoundError } from '../../domain/index.js';
import { coerceLocalValue, type LocalValue } from '../../mapping/index.js';
import type { Db } from '../../store/db/types.js';
import { setPersonFieldsLocally } from '../../store/records/person-edit.js';
import { findPersonsPage, type RestPerson } from '../../store/records/rest-queries.js';
import { setCompanyFieldThroughPerson } from '../../sync/local-edits.js';
import type { RestContext } from './context.js';
import { RestCode, RestError, skipped, success } from './envelope.js';
import { LeadFields } from './fields.js';
import { asGet, readLeads } from './leads.js';
import { MAX_BATCH, requireJsonBody } from './params.js';

type RecordResult = { id: number; status: 'updated' } | ReturnType<typeof skipped>;

interface Plan {
  readonly person: RestPerson;
  readonly personValues: Record<string, LocalValue>;
  /** Company fields whose value changes, with the value as sent (the edit coerces it again). */
  readonly companyValues: { name: string; raw: unknown }[];
}

/** The request as a whole: Marketo's `action`, `lookupField` and `input` (at most 300 records). */
export function parseBody(body: unknown): { action: string; lookupField: 'id' | 'email'; input: unknown[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RestError(RestCode.InvalidData, 'The request body must be a JSON object with an input array');
  }
  const b = body as Record<string, unknown>;
  const action = b.action ?? 'createOrUpdate';
  if (action !== 'updateOnly' && action !== 'createOrUpdate') {
    throw new RestError(RestCode.InvalidData, `Invalid action '${String(action).slice(0, 40)}': persons come from Dynamics, so only updateOnly (and createOrUpdate of existing leads) are supported`);
  }
  const lookupField = b.lookupField ?? 'email';
  if (lookupField !== 'id' && lookupField !== 'email') {
    throw new RestError(RestCode.InvalidData, `Invalid lookupField '${String(lookupField).slice(0, 40)}': use id or email`);
  }
  if (!Array.isArray(b.input) || b.input.length === 0) throw new RestError(RestCode.InvalidData, 'input must be a non-empty array');
  if (b.input.length > MAX_BATCH) throw new RestError(RestCode.InvalidData, `At most ${MAX_BATCH} records per call, got ${b.input.length}`);
  return { action, lookupField, input: b.input };
}

async function lookup(db: Db, lookupField: 'id' | 'email', value: unknown): Promise<RestPerson[] | RecordResult> {
  if (lookupField === 'id') {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) return skipped(RestCode.InvalidValue, `Invalid value for 'id': a whole number is required`);
    return findPersonsPage(db, { kind: 'id', values: [value] }, 0, 1);
  }
  if (typeof value !== 'string' || value.trim() === '') return skipped(RestCode.InvalidData, `Field 'email' is required to find the lead`);
  return findPersonsPage(db, { kind: 'email', values: [value.trim()] }, 0, 2);
}

/** Checks one record against the fields and the person; a refusal names the first problem. */
async function plan(db: Db, known: LeadFields, lookupField: 'id' | 'email', action: string, record: unknown): Promise<Plan | RecordResult> {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return skipped(RestCode.InvalidData, 'Each input record must be a JSON object');
  const rec = record as Record<string, unknown>;
  const found = await lookup(db, lookupField, rec[lookupField]);
  if (!Array.isArray(found)) return found;
  if (found.length > 1) return skipped(RestCode.MultipleLeadsMatch, 'Multiple lead match lookup criteria');
  const person = found[0];
  if (!person) {
    return action === 'updateOnly'
      ? skipped(RestCode.LeadNotFound, 'Lead not found')
      : skipped(RestCode.InvalidData, 'Lead not found, and leads cannot be created here: persons come from Dynamics');
  }
  const out: Plan = { person, personValues: {}, companyValues: [] };
  for (const [name, raw] of Object.entries(rec)) {
    if (name === lookupField) continue;
    const f = known.get(name);
    if (!f) return skipped(RestCode.FieldNotFound, `Field '${name.slice(0, 100)}' not found`);
    if (f.readOnly || !f.column) return skipped(RestCode.InvalidData, `Field '${f.name}' is read-only`);
    let value: LocalValue;
    try {
      value = coerceLocalValue(f.column, raw);
    } catch (err) {
      if (err instanceof InvalidInputError) return skipped(RestCode.InvalidValue, `Invalid value for '${f.name}': ${err.message}`);
      throw err;
    }
    if (f.source === 'person') out.personValues[f.name] = value;
    else if (!person.hasCompany) return skipped(RestCode.InvalidData, `Lead ${person.id} has no company, so '${f.name}' cannot be set`);
    else if (JSON.stringify(person.companyFields[f.name] ?? null) !== JSON.stringify(value)) out.companyValues.push({ name: f.name, raw });
  }
  return out;
}

async function apply(db: Db, p: Plan): Promise<RecordResult> {
  if (Object.keys(p.personValues).length > 0) {
    await setPersonFieldsLocally(db, { personId: p.person.id, values: p.personValues, reason: 'Lead updated through the REST API' });
  }
  for (const c of p.companyValues) {
    try {
      await setCompanyFieldThroughPerson(db, p.person.id, c.name, c.raw);
    } catch (err) {
      // The company went away or the selection changed between the check and the write.
      if (err instanceof InvalidInputError || err instanceof NotFoundError) return skipped(RestCode.InvalidData, err.message);
      throw err;
    }
  }
  return { id: p.person.id, status: 'updated' };
}

export function registerLeadWrites(app: FastifyInstance, ctx: RestContext): void {
  app.post('/v1/leads.json', async (req) => {
    const asQuery = asGet(req.query, req.body);
    if (asQuery) return readLeads(ctx, asQuery);
    requireJsonBody(req.headers['content-type']);
    const { action, lookupField, input } = parseBody(req.body);
    const known = await LeadFields.load(ctx.deps.db);
    const result: RecordResult[] = [];
    for (const record of input) {
      const p = await plan(ctx.deps.db, known, lookupField, action, record);
      result.push('person' in p ? await apply(ctx.deps.db, p) : p);
    }
    return success(result);
  });
}
