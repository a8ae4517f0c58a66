/**
 * Custom objects in Marketo's shape, for the enabled Dynamics custom tables:
 *   GET customobjects.json[?names=]           the list
 *   GET customobjects/{name}/describe.json    fields, dedupe and searchable fields
 *   GET customobjects/{name}.json?filterType=&filterValues=[&fields=&batchSize=&nextPageToken=]
 * (also POST with `_method=GET`). Writes are refused record by record: the CRM manages them.
 */
import type { FastifyInstance } from 'fastify';
import type { CustomTableConfig } from '../../domain/index.js';
import { listEnabledCustomTables } from '../../store/custom-tables-repo.js';
import {
  findCustomRecordsPage,
  type CustomRecordFilter,
  type StoredCustomRecord,
} from '../../store/records/custom-queries.js';
import { listCustomColumns } from '../../sync/custom-tables.js';
import type { RestContext } from './context.js';
import { describeEnabled, describeObject, enabledTable, objectFields } from './custom-object-describe.js';
import { RestCode, RestError, success } from './envelope.js';
import { GUID, refuseEveryRecord } from './crm-managed.js';
import { asGet, filterValues } from './leads.js';
import { batchSize, integers, param, requireParam, splitList, type Query } from './params.js';

const MANAGED_BY_CRM =
  'Custom object is managed by the CRM (Microsoft Dynamics 365): change the record in Dynamics, which syncs it to the lead database';

function recordFilter(
  t: CustomTableConfig,
  type: string,
  values: readonly string[],
  known: Set<string>,
): CustomRecordFilter {
  if (type === 'marketoGUID' || type === t.primaryKey) {
    const bad = values.find((v) => !GUID.test(v));
    if (bad !== undefined)
      throw new RestError(
        RestCode.InvalidValue,
        `Invalid value '${bad.slice(0, 100)}' for ${type}: a GUID is required`,
      );
    return { kind: 'id', values: values.map((v) => v.toLowerCase()) };
  }
  if (type === 'leadId') return { kind: 'leadId', values: integers(values, 'leadId') };
  if (known.has(type)) return { kind: 'field', field: type, values };
  throw new RestError(
    RestCode.InvalidData,
    `Invalid filterType '${type.slice(0, 100)}': use marketoGUID, ${t.primaryKey}, leadId or a field of ${t.name}`,
  );
}

function recordValue(t: CustomTableConfig, r: StoredCustomRecord, name: string): unknown {
  if (name === 'marketoGUID' || name === t.primaryKey) return r.dynamicsId;
  if (name === 'leadId') return r.personId;
  if (name === 'createdAt') return r.createdAt.toISOString();
  if (name === 'updatedAt') return r.updatedAt.toISOString();
  return r.fields[name] ?? null;
}

const encode = (table: string, after: string) => Buffer.from(`co1:${table}:${after}`).toString('base64url');
function decode(raw: string | undefined, table: string): string {
  if (raw === undefined || raw.trim() === '') return '';
  const [v, t, after] = Buffer.from(raw.trim(), 'base64url').toString('utf8').split(':');
  if (v === 'co1' && t === table && after && GUID.test(after)) return after;
  throw new RestError(RestCode.InvalidData, 'Invalid nextPageToken');
}

async function readRecords(ctx: RestContext, name: string, q: Query) {
  const { db } = ctx.deps;
  const t = await enabledTable(db, name);
  const fields = objectFields(t, await listCustomColumns(db, name)).map((f) => f.name);
  const known = new Set(fields);
  const filter = recordFilter(t, requireParam(q, 'filterType'), filterValues(q), known);
  const asked = splitList(param(q, 'fields'));
  for (const f of asked)
    if (!known.has(f)) throw new RestError(RestCode.FieldNotFound, `Field '${f.slice(0, 100)}' not found`);
  const wanted = asked.length > 0 ? asked : ['marketoGUID', t.primaryKey, 'leadId', 'createdAt', 'updatedAt'];
  const size = batchSize(q);
  const rows = await findCustomRecordsPage(db, name, filter, decode(param(q, 'nextPageToken'), name), size + 1);
  const page = rows.slice(0, size);
  const result = page.map((r, seq) => {
    const out: Record<string, unknown> = { seq, marketoGUID: r.dynamicsId };
    for (const f of wanted) out[f] = recordValue(t, r, f);
    return out;
  });
  return success(result, rows.length > size ? { nextPageToken: encode(name, page[page.length - 1]!.dynamicsId) } : {});
}

export function registerCustomObjects(app: FastifyInstance, ctx: RestContext): void {
  const { db } = ctx.deps;
  app.get('/v1/customobjects.json', async (req) => {
    const names = new Set(splitList(param(req.query as Query, 'names')));
    const tables = (await listEnabledCustomTables(db)).filter((t) => names.size === 0 || names.has(t.name));
    return success(tables.map((t) => describeObject(t)));
  });
  app.get<{ Params: { name: string } }>('/v1/customobjects/:name/describe.json', async (req) =>
    success([await describeEnabled(db, req.params.name)]),
  );
  app.get<{ Params: { name: string } }>('/v1/customobjects/:name.json', async (req) =>
    readRecords(ctx, req.params.name, req.query as Query),
  );
  app.post<{ Params: { name: string } }>('/v1/customobjects/:name.json', async (req) => {
    const asQuery = asGet(req.query, req.body);
    if (asQuery) return readRecords(ctx, req.params.name, asQuery);
    await enabledTable(db, req.params.name);
    return refuseEveryRecord(req, RestCode.InvalidData, MANAGED_BY_CRM);
  });
  app.post<{ Params: { name: string } }>('/v1/customobjects/:name/delete.json', async (req) => {
    await enabledTable(db, req.params.name);
    return refuseEveryRecord(req, RestCode.InvalidData, MANAGED_BY_CRM);
  });
}
