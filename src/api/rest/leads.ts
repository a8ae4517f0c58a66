/** GET /rest/v1/leads.json, /rest/v1/lead/{id}.json and /rest/v1/leads/describe.json. */
import type { FastifyInstance } from 'fastify';
import { findPersonsPage, type PersonFilter, type RestPerson } from '../../store/records/rest-queries.js';
import type { RestContext } from './context.js';
import { RestCode, RestError, success } from './envelope.js';
import { leadValue, type LeadFields, type RestField } from './fields.js';
import { isMicrosoftField, microsoftFilter } from './microsoft-fields.js';
import {
  MAX_BATCH,
  batchSize,
  decodeToken,
  encodeToken,
  fieldList,
  integers,
  param,
  requireParam,
  splitList,
  unstorableText,
  type Query,
} from './params.js';

/** Marketo's default lead fields, where they exist here. */
export const DEFAULT_LEAD_FIELDS = ['id', 'firstName', 'lastName', 'email', 'updatedAt', 'createdAt'];

/** A person as Marketo shows a lead: `id` always, then the requested fields. */
export function toLead(p: RestPerson, fields: readonly RestField[]): Record<string, unknown> {
  const lead: Record<string, unknown> = { id: p.id };
  for (const f of fields) lead[f.name] = leadValue(f, p);
  return lead;
}

/** filterType → filter: id, email, a Microsoft system field, or any person or company field; anything else is 1003. */
export function personFilter(filterType: string, values: readonly string[], known: LeadFields): PersonFilter {
  const f = known.get(filterType);
  if (f?.name === 'id') return { kind: 'id', values: integers(values, 'id') };
  if (f?.name === 'email') return { kind: 'email', values };
  if (f && isMicrosoftField(f.name)) return microsoftFilter(f.name, values);
  if (f && f.source !== 'system')
    return { kind: f.source === 'person' ? 'personField' : 'companyField', field: f.name, values };
  throw new RestError(RestCode.InvalidData, `Invalid filterType '${filterType.slice(0, 100)}'`);
}

export function filterValues(q: Query): string[] {
  const values = splitList(requireParam(q, 'filterValues'));
  if (values.length > MAX_BATCH)
    throw new RestError(RestCode.InvalidData, `At most ${MAX_BATCH} filterValues are allowed, got ${values.length}`);
  for (const v of values) {
    const bad = unstorableText(v);
    if (bad) throw new RestError(RestCode.InvalidValue, `Invalid value in filterValues: ${bad}`);
  }
  return values;
}

/** Leads by filter; also answers POST leads.json?_method=GET (long filter lists in a form body). */
export async function readLeads(ctx: RestContext, q: Query) {
  const { db } = ctx.deps;
  const known = await ctx.leadFields.get();
  const filter = personFilter(requireParam(q, 'filterType'), filterValues(q), known);
  const fields = fieldList(q, known, DEFAULT_LEAD_FIELDS);
  const size = batchSize(q);
  const after = decodeToken(param(q, 'nextPageToken'), 'leads');
  const rows = await findPersonsPage(db, filter, after, size + 1);
  const page = rows.slice(0, size);
  const more = rows.length > size;
  return success(
    page.map((p) => toLead(p, fields)),
    more ? { nextPageToken: encodeToken('leads', page[page.length - 1]!.id) } : {},
  );
}

/** Marketo's way to send a long query: POST with `_method=GET` and the parameters as a form body. */
export function asGet(query: unknown, body: unknown): Query | null {
  const q = query as Query;
  if (q._method !== 'GET') return null;
  return { ...q, ...(typeof body === 'object' && body !== null ? (body as Query) : {}) };
}

export function registerLeadReads(app: FastifyInstance, ctx: RestContext): void {
  const { db } = ctx.deps;

  app.get('/v1/leads.json', async (req) => readLeads(ctx, req.query as Query));

  app.get('/v1/lead/:id.json', async (req) => {
    const q = req.query as Query;
    const [id] = integers([(req.params as { id: string }).id], 'id');
    const known = await ctx.leadFields.get();
    const fields = fieldList(q, known, DEFAULT_LEAD_FIELDS);
    const rows = await findPersonsPage(db, { kind: 'id', values: [id!] }, 0, 1);
    return success(rows.map((p) => toLead(p, fields)));
  });

  app.get('/v1/leads/describe.json', async () => {
    const known = await ctx.leadFields.get();
    return success(
      known.list.map((f) => ({
        id: f.id,
        displayName: f.displayName,
        dataType: f.dataType,
        ...(f.length === null ? {} : { length: f.length }),
        rest: { name: f.name, readOnly: f.readOnly },
        soap: { name: f.name, readOnly: f.readOnly },
      })),
    );
  });
}
