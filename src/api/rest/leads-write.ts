/**
 * POST /rest/v1/leads.json: Marketo's createOnly / updateOnly / createOrUpdate, by id or email.
 * A person found gets its fields changed (its synced person fields are queued for Dynamics; company
 * fields of a contact follow the account rule: they change for every person of the company, log
 * Change Data Value, and never go to Dynamics; a lead's company fields are its own). A person not
 * found by email is created as a marketing-only person (no Dynamics record until it is pushed).
 * Every lookup of the call is one query; each record is checked in full, then written in one
 * transaction, so a refused record changes nothing and never stops the records after it.
 */
import type { FastifyInstance } from 'fastify';
import { InvalidInputError, NotFoundError } from '../../domain/index.js';
import { coerceLocalValue, type LocalValue } from '../../mapping/index.js';
import { checkRange } from '../../mapping/ranges.js';
import type { Db } from '../../store/db/types.js';
import { applyLeadRecordChange, type LeadRecordChange } from '../../store/records/local-edit.js';
import { createLocalPerson, type NewLocalPerson } from '../../store/records/local-person.js';
import { findPersonsForLookup, type RestPerson } from '../../store/records/rest-queries.js';
import type { RestContext } from './context.js';
import { RestCode, RestError, skipped, success } from './envelope.js';
import { LeadFields } from './fields.js';
import { asGet, readLeads } from './leads.js';
import { MAX_BATCH, requireJsonBody, unstorableText } from './params.js';

type RecordResult = { id: number; status: 'updated' | 'created' } | ReturnType<typeof skipped>;
type Action = 'createOnly' | 'updateOnly' | 'createOrUpdate';
const ACTIONS: readonly string[] = ['createOnly', 'updateOnly', 'createOrUpdate'];
type Key = number | string;

const REASON = 'Lead updated through the REST API';

/** The request as a whole: Marketo's `action`, `lookupField` and `input` (at most 300 records). */
export function parseBody(body: unknown): { action: Action; lookupField: 'id' | 'email'; input: unknown[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RestError(RestCode.InvalidData, 'The request body must be a JSON object with an input array');
  }
  const b = body as Record<string, unknown>;
  const action = b.action ?? 'createOrUpdate';
  if (typeof action !== 'string' || !ACTIONS.includes(action)) {
    throw new RestError(
      RestCode.InvalidData,
      `Invalid action '${String(action).slice(0, 40)}': use createOnly, updateOnly or createOrUpdate`,
    );
  }
  const lookupField = b.lookupField ?? 'email';
  if (lookupField !== 'id' && lookupField !== 'email') {
    throw new RestError(
      RestCode.InvalidData,
      `Invalid lookupField '${String(lookupField).slice(0, 40)}': use id or email`,
    );
  }
  if (lookupField === 'id' && action !== 'updateOnly') {
    throw new RestError(
      RestCode.InvalidData,
      `lookupField 'id' works with updateOnly only: a new lead is looked up (and created) by email`,
    );
  }
  if (!Array.isArray(b.input) || b.input.length === 0)
    throw new RestError(RestCode.InvalidData, 'input must be a non-empty array');
  if (b.input.length > MAX_BATCH)
    throw new RestError(RestCode.InvalidData, `At most ${MAX_BATCH} records per call, got ${b.input.length}`);
  return { action: action as Action, lookupField, input: b.input };
}

/** The record's lookup value, checked before it reaches SQL; a refusal is the record's result. */
function lookupKey(lookupField: 'id' | 'email', record: unknown): Key | RecordResult {
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    return skipped(RestCode.InvalidData, 'Each input record must be a JSON object');
  const value = (record as Record<string, unknown>)[lookupField];
  if (lookupField === 'id') {
    return typeof value === 'number' && Number.isSafeInteger(value)
      ? value
      : skipped(RestCode.InvalidValue, `Invalid value for 'id': a whole number is required`);
  }
  if (typeof value !== 'string' || value.trim() === '')
    return skipped(RestCode.InvalidData, `Field 'email' is required to find the lead`);
  const bad = unstorableText(value);
  if (bad) return skipped(RestCode.InvalidValue, `Invalid value for 'email': ${bad}`);
  return value.trim().toLowerCase();
}

/** The persons of every lookup value of the call, found in one query. */
async function findAll(
  db: Db,
  lookupField: 'id' | 'email',
  keys: readonly (Key | RecordResult)[],
): Promise<Map<Key, RestPerson[]>> {
  const wanted = [...new Set(keys.filter((k): k is Key => typeof k !== 'object'))];
  const byKey = new Map<Key, RestPerson[]>();
  for (const p of await findPersonsForLookup(db, lookupField, wanted)) {
    const key = lookupField === 'id' ? p.id : (p.email ?? '').toLowerCase();
    byKey.set(key, [...(byKey.get(key) ?? []), p]);
  }
  return byKey;
}

type Values = Record<string, LocalValue>;

/** The record's values by field, each checked; a refusal names the first problem. */
function values(
  known: LeadFields,
  lookupField: 'id' | 'email',
  rec: Record<string, unknown>,
): { person: Values; company: Values } | RecordResult {
  const person: Values = {};
  const company: Values = {};
  for (const [name, raw] of Object.entries(rec)) {
    if (name === lookupField) continue;
    const f = known.get(name);
    if (!f) return skipped(RestCode.FieldNotFound, `Field '${name.slice(0, 100)}' not found`);
    if (f.readOnly || !f.column) return skipped(RestCode.InvalidData, `Field '${f.name}' is read-only`);
    try {
      const value = coerceLocalValue(f.column, raw);
      checkRange(f.column, value);
      (f.source === 'person' ? person : company)[f.name] = value;
    } catch (err) {
      if (err instanceof InvalidInputError)
        return skipped(RestCode.InvalidValue, `Invalid value for '${f.name}': ${err.message}`);
      throw err;
    }
  }
  return { person, company };
}

type Planned = { change: LeadRecordChange } | { create: NewLocalPerson } | RecordResult;

/** Checks one record against the fields and its person: an update, a create, or the refusal. */
function plan(
  known: LeadFields,
  lookupField: 'id' | 'email',
  action: Action,
  rec: Record<string, unknown>,
  found: readonly RestPerson[],
): Planned {
  if (found.length > 1) return skipped(RestCode.MultipleLeadsMatch, 'Multiple lead match lookup criteria');
  const person = found[0];
  if (person && action === 'createOnly') return skipped(RestCode.LeadAlreadyExists, 'Lead already exists');
  if (!person && action === 'updateOnly') return skipped(RestCode.LeadNotFound, 'Lead not found');
  const v = values(known, lookupField, rec);
  if ('status' in v) return v;
  // A new person, a lead, a marketing-only person: no company, so company columns are its own.
  if (!person) {
    const email = String(rec.email).trim(); // as given (the key is lower-cased for the lookup)
    return { create: { email, fields: { ...v.company, ...v.person, email }, sourceType: 'Web service API' } };
  }
  if (person.ownsCompanyFields)
    return {
      change: { personId: person.id, personValues: { ...v.company, ...v.person }, companyValues: {}, reason: REASON },
    };
  const first = Object.keys(v.company)[0];
  if (first !== undefined && !person.hasCompany)
    return skipped(RestCode.InvalidData, `Lead ${person.id} has no company, so '${first}' cannot be set`);
  return { change: { personId: person.id, personValues: v.person, companyValues: v.company, reason: REASON } };
}

/** One record, one transaction: a refusal or a failure leaves the whole record unwritten. */
async function apply(
  ctx: RestContext,
  planned: { change: LeadRecordChange } | { create: NewLocalPerson },
): Promise<RecordResult> {
  const { db } = ctx.deps;
  try {
    if ('create' in planned)
      return { id: await db.transaction((tx) => createLocalPerson(tx, planned.create)), status: 'created' };
    await applyLeadRecordChange(db, planned.change);
    return { id: planned.change.personId, status: 'updated' };
  } catch (err) {
    // The company went away or the person was deleted between the lookup and the write.
    if (err instanceof InvalidInputError) return skipped(RestCode.InvalidData, err.message);
    if (err instanceof NotFoundError) return skipped(RestCode.LeadNotFound, 'Lead not found');
    ctx.deps.logger.error(
      { err, personId: 'change' in planned ? planned.change.personId : null },
      'REST lead write failed',
    );
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
  const created = new Set<Key>();
  const result: RecordResult[] = [];
  for (const [i, key] of keys.entries()) {
    if (typeof key === 'object') {
      result.push(key);
      continue;
    }
    // An email created by an earlier record of this call is looked up again: one person per email.
    if (created.has(key)) for (const [k, list] of await findAll(db, lookupField, [key])) persons.set(k, list);
    const planned = plan(known, lookupField, action, input[i] as Record<string, unknown>, persons.get(key) ?? []);
    const r = 'change' in planned || 'create' in planned ? await apply(ctx, planned) : planned;
    if ('create' in planned && 'id' in r) created.add(key);
    result.push(r);
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
