/**
 * POST /rest/v1/leads.json: updates persons found by id or email. Persons come from Dynamics, so
 * nothing is created. Contact fields change on the person; company fields follow the account rule
 * (they change for every person of the company, log Change Data Value, and never go to Dynamics).
 * Every lookup of the call is one query; each record is checked in full, then written in one
 * transaction, so a refused record changes nothing and never stops the records after it.
 */
import type { FastifyInstance } from 'fastify';
import { InvalidInputError, NotFoundError } from '../../domain/index.js';
import { coerceLocalValue, type LocalValue } from '../../mapping/index.js';
import { checkRange } from '../../mapping/ranges.js';
import type { Db } from '../../store/db/types.js';
import { applyLeadRecordChange, type LeadRecordChange } from '../../store/records/local-edit.js';
import { findPersonsForLookup, type RestPerson } from '../../store/records/rest-queries.js';
import type { RestContext } from './context.js';
import { RestCode, RestError, skipped, success } from './envelope.js';
import { LeadFields } from './fields.js';
import { asGet, readLeads } from './leads.js';
import { MAX_BATCH, requireJsonBody, unstorableText } from './params.js';

type RecordResult = { id: number; status: 'updated' } | ReturnType<typeof skipped>;
type Key = number | string;

const REASON = 'Lead updated through the REST API';

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

/** The record's lookup value, checked before it reaches SQL; a refusal is the record's result. */
function lookupKey(lookupField: 'id' | 'email', record: unknown): Key | RecordResult {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return skipped(RestCode.InvalidData, 'Each input record must be a JSON object');
  const value = (record as Record<string, unknown>)[lookupField];
  if (lookupField === 'id') {
    return typeof value === 'number' && Number.isSafeInteger(value) ? value : skipped(RestCode.InvalidValue, `Invalid value for 'id': a whole number is required`);
  }
  if (typeof value !== 'string' || value.trim() === '') return skipped(RestCode.InvalidData, `Field 'email' is required to find the lead`);
  const bad = unstorableText(value);
  if (bad) return skipped(RestCode.InvalidValue, `Invalid value for 'email': ${bad}`);
  return value.trim().toLowerCase();
}

/** The persons of every lookup value of the call, found in one query. */
async function findAll(db: Db, lookupField: 'id' | 'email', keys: readonly (Key | RecordResult)[]): Promise<Map<Key, RestPerson[]>> {
  const wanted = [...new Set(keys.filter((k): k is Key => typeof k !== 'object'))];
  const byKey = new Map<Key, RestPerson[]>();
  for (const p of await findPersonsForLookup(db, lookupField, wanted)) {
    const key = lookupField === 'id' ? p.id : (p.email ?? '').toLowerCase();
    byKey.set(key, [...(byKey.get(key) ?? []), p]);
  }
  return byKey;
}

/** Checks one record against the fields and its person; a refusal names the first problem. */
function plan(known: LeadFields, lookupField: 'id' | 'email', action: string, rec: Record<string, unknown>, found: readonly RestPerson[]): LeadRecordChange | RecordResult {
  if (found.length > 1) return skipped(RestCode.MultipleLeadsMatch, 'Multiple lead match lookup criteria');
  const person = found[0];
  if (!person) {
    return action === 'updateOnly'
      ? skipped(RestCode.LeadNotFound, 'Lead not found')
      : skipped(RestCode.InvalidData, 'Lead not found, and leads cannot be created here: persons come from Dynamics');
  }
  const personValues: Record<string, LocalValue> = {};
  const companyValues: Record<string, LocalValue> = {};
  for (const [name, raw] of Object.entries(rec)) {
    if (name === lookupField) continue;
    const f = known.get(name);
    if (!f) return skipped(RestCode.FieldNotFound, `Field '${name.slice(0, 100)}' not found`);
    if (f.readOnly || !f.column) return skipped(RestCode.InvalidData, `Field '${f.name}' is read-only`);
    let value: LocalValue;
    try {
      value = coerceLocalValue(f.column, raw);
      checkRange(f.column, value);
    } catch (err) {
      if (err instanceof InvalidInputError) return skipped(RestCode.InvalidValue, `Invalid value for '${f.name}': ${err.message}`);
      throw err;
    }
    if (f.source === 'person') personValues[f.name] = value;
    else if (!person.hasCompany) return skipped(RestCode.InvalidData, `Lead ${person.id} has no company, so '${f.name}' cannot be set`);
    else companyValues[f.name] = value;
  }
  return { personId: person.id, personValues, companyValues, reason: REASON };
}

/** One record, one transaction: a refusal or a failure leaves the whole record unwritten. */
async function apply(ctx: RestContext, change: LeadRecordChange): Promise<RecordResult> {
  try {
    await applyLeadRecordChange(ctx.deps.db, change);
    return { id: change.personId, status: 'updated' };
  } catch (err) {
    // The company went away or the person was deleted between the lookup and the write.
    if (err instanceof InvalidInputError) return skipped(RestCode.InvalidData, err.message);
    if (err instanceof NotFoundError) return skipped(RestCode.LeadNotFound, 'Lead not found');
    ctx.deps.logger.error({ err, personId: change.personId }, 'REST lead update failed');
    return skipped(RestCode.SystemError, 'System error');
  }
}

/** Every record gets its own result, in input order, whatever happened to the others. */
async function writeLeads(ctx: RestContext, body: unknown): Promise<RecordResult[]> {
  const { action, lookupField, input } = parseBody(body);
  const { db } = ctx.deps;
  const known = await LeadFields.load(db);
  const keys = input.map((record) => lookupKey(lookupField, record));
  const persons = await findAll(db, lookupField, keys);
  const result: RecordResult[] = [];
  for (const [i, key] of keys.entries()) {
    if (typeof key === 'object') {
      result.push(key);
      continue;
    }
    const change = plan(known, lookupField, action, input[i] as Record<string, unknown>, persons.get(key) ?? []);
    result.push('personId' in change ? await apply(ctx, change) : change);
  }
  return result;
}

export function registerLeadWrites(app: FastifyInstance, ctx: RestContext): void {
  app.post('/v1/leads.json', async (req) => {
    const asQuery = asGet(req.query, req.body);
    if (asQuery) return readLeads(ctx, asQuery);
    requireJsonBody(req.headers['content-type']);
    return success(await writeLeads(ctx, req.body));
  });
}
