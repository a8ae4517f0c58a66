/**
 * Opportunities in Marketo's shapes: `opportunities.json` (by externalOpportunityId = the Dynamics
 * opportunity id, marketoGUID = ours, id, or any synced field), `opportunities/roles.json` and
 * `opportunities/describe.json`. With a native CRM sync Marketo refuses writes per record (1018,
 * reference 3): opportunities are managed by Dynamics and synced one way.
 */
import type { FastifyInstance } from 'fastify';
import type { CatalogField } from '../../domain/index.js';
import { getSelection, listCatalog } from '../../store/fields-repo.js';
import {
  listOpportunities,
  listOpportunityRoles,
  type OpportunityFilter,
  type OpportunityView,
  type RoleFilter,
} from '../../store/records/index.js';
import type { RestContext } from './context.js';
import { RestCode, RestError, success } from './envelope.js';
import { DATA_TYPES } from './fields.js';
import { GUID, refuseEveryRecord } from './crm-managed.js';
import { asGet, filterValues } from './leads.js';
import { batchSize, decodeToken, encodeToken, integers, param, requireParam, splitList, type Query } from './params.js';

export const OPPORTUNITY_MANAGED_BY_CRM =
  'CRM Enabled: opportunities are managed by the CRM (Microsoft Dynamics 365) and synced from it; change them in Dynamics';

/** System fields every opportunity has, then the selected opportunity columns by local name. */
const SYSTEM = [
  { name: 'marketoGUID', displayName: 'Marketo GUID', dataType: 'string' },
  { name: 'externalOpportunityId', displayName: 'External Opportunity Id', dataType: 'string' },
  { name: 'externalCompanyId', displayName: 'External Company Id', dataType: 'string' },
  { name: 'externalSalesPersonId', displayName: 'External Sales Person Id', dataType: 'string' },
  { name: 'microsoftIsDeleted', displayName: 'Microsoft is Deleted', dataType: 'boolean' },
  { name: 'createdAt', displayName: 'Created At', dataType: 'datetime' },
  { name: 'updatedAt', displayName: 'Updated At', dataType: 'datetime' },
] as const;

interface OppField {
  readonly name: string;
  readonly displayName: string;
  readonly dataType: string;
  readonly length?: number;
}

async function opportunityFields(ctx: RestContext): Promise<OppField[]> {
  const { db } = ctx.deps;
  const [catalog, selection] = await Promise.all([listCatalog(db, 'opportunity'), getSelection(db, 'opportunity')]);
  const byName = new Map<string, CatalogField>(catalog.map((f) => [f.logicalName, f]));
  const selected = selection.flatMap((s) => {
    const c = byName.get(s.logicalName);
    if (!c) return [];
    const f: OppField = {
      name: s.localName,
      displayName: c.displayName,
      dataType: DATA_TYPES[c.attributeType] ?? 'string',
    };
    return [c.maxLength ? { ...f, length: c.maxLength } : f];
  });
  return [...SYSTEM, ...selected];
}

function value(o: OpportunityView, name: string): unknown {
  switch (name) {
    case 'marketoGUID':
      return String(o.id);
    case 'externalOpportunityId':
      return o.dynamicsId;
    case 'externalCompanyId':
      return o.companyDynamicsId;
    case 'externalSalesPersonId':
      return o.ownerDynamicsId;
    case 'microsoftIsDeleted':
      return o.deleted;
    case 'createdAt':
      return o.createdAt.toISOString();
    case 'updatedAt':
      return o.updatedAt.toISOString();
    default:
      return o.fields[name] ?? null;
  }
}

function guids(values: readonly string[], what: string): string[] {
  const bad = values.find((v) => !GUID.test(v));
  if (bad !== undefined)
    throw new RestError(RestCode.InvalidValue, `Invalid value '${bad.slice(0, 100)}' for ${what}: a GUID is required`);
  return values.map((v) => v.toLowerCase());
}

function filterOf(filterType: string, values: readonly string[], known: readonly OppField[]): OpportunityFilter {
  switch (filterType) {
    case 'externalOpportunityId':
      return { kind: 'dynamicsId', values: guids(values, filterType) };
    case 'id':
    case 'marketoGUID':
      return { kind: 'id', values: integers(values, filterType) };
    case 'externalCompanyId':
      return { kind: 'company', values: guids(values, filterType) };
    default: {
      const field = known.find((f) => f.name === filterType && !SYSTEM.some((s) => s.name === f.name));
      if (!field) throw new RestError(RestCode.InvalidData, `Invalid filterType '${filterType.slice(0, 100)}'`);
      return { kind: 'field', field: field.name, values };
    }
  }
}

async function readOpportunities(ctx: RestContext, q: Query) {
  const known = await opportunityFields(ctx);
  const filter = filterOf(requireParam(q, 'filterType'), filterValues(q), known);
  const asked = splitList(param(q, 'fields'));
  const names = asked.length > 0 ? asked : known.map((f) => f.name);
  for (const n of names)
    if (!known.some((f) => f.name === n))
      throw new RestError(RestCode.FieldNotFound, `Field '${n.slice(0, 100)}' not found`);
  const size = batchSize(q);
  const rows = await listOpportunities(ctx.deps.db, filter, {
    afterId: decodeToken(param(q, 'nextPageToken'), 'opportunities'),
    limit: size + 1,
  });
  const page = rows.slice(0, size);
  const result = page.map((o, seq) => Object.fromEntries([['seq', seq], ...names.map((n) => [n, value(o, n)])]));
  const more = rows.length > size ? { nextPageToken: encodeToken('opportunities', page[page.length - 1]!.id) } : {};
  return success(result, more);
}

async function readRoles(ctx: RestContext, q: Query) {
  const filterType = requireParam(q, 'filterType');
  const values = filterValues(q);
  let filter: RoleFilter;
  if (filterType === 'externalOpportunityId') filter = { kind: 'opportunities', values: guids(values, filterType) };
  else if (filterType === 'leadId') filter = { kind: 'persons', values: integers(values, filterType) };
  else
    throw new RestError(
      RestCode.InvalidData,
      `Invalid filterType '${filterType.slice(0, 100)}': use externalOpportunityId or leadId`,
    );
  const roles = await listOpportunityRoles(ctx.deps.db, filter, 1000);
  return success(
    roles.map((r, seq) => ({
      seq,
      marketoGUID: `${r.opportunityDynamicsId}:${r.personId}`,
      externalOpportunityId: r.opportunityDynamicsId,
      leadId: r.personId,
      role: r.role,
      isPrimary: r.isPrimary,
      updatedAt: r.updatedAt.toISOString(),
    })),
  );
}

export function registerOpportunities(app: FastifyInstance, ctx: RestContext): void {
  app.get('/v1/opportunities.json', async (req) => readOpportunities(ctx, req.query as Query));
  app.post('/v1/opportunities.json', async (req) => {
    const q = asGet(req.query, req.body);
    return q ? readOpportunities(ctx, q) : refuseEveryRecord(req, RestCode.CrmEnabled, OPPORTUNITY_MANAGED_BY_CRM);
  });
  app.post('/v1/opportunities/delete.json', async (req) =>
    refuseEveryRecord(req, RestCode.CrmEnabled, OPPORTUNITY_MANAGED_BY_CRM),
  );
  app.get('/v1/opportunities/roles.json', async (req) => readRoles(ctx, req.query as Query));
  app.post('/v1/opportunities/roles.json', async (req) => {
    const q = asGet(req.query, req.body);
    return q ? readRoles(ctx, q) : refuseEveryRecord(req, RestCode.CrmEnabled, OPPORTUNITY_MANAGED_BY_CRM);
  });
  app.get('/v1/opportunities/describe.json', async () => {
    const fields = await opportunityFields(ctx);
    return success([
      {
        name: 'opportunity',
        displayName: 'Opportunity',
        idField: 'marketoGUID',
        dedupeFields: ['externalOpportunityId'],
        searchableFields: [['externalOpportunityId'], ['marketoGUID'], ['externalCompanyId']],
        fields: fields.map((f) => ({ ...f, updateable: false, crmManaged: true })),
      },
    ]);
  });
}
