/**
 * GET /rest/v1/companies.json reads companies; POST is refused record by record: companies are
 * Dynamics accounts, synced one way, so the lead database never creates or changes them.
 */
import type { FastifyInstance } from 'fastify';
import { findCompaniesPage, type CompanyFilter, type RestCompany } from '../../store/records/rest-queries.js';
import type { RestContext } from './context.js';
import { RestCode, RestError, success } from './envelope.js';
import type { LeadFields } from './fields.js';
import { GUID, refuseEveryRecord } from './crm-managed.js';
import { asGet, filterValues } from './leads.js';
import { batchSize, decodeToken, encodeToken, integers, param, requireParam, splitList, type Query } from './params.js';

const SYSTEM_FIELDS = ['id', 'externalCompanyId', 'createdAt', 'updatedAt'];
const DEFAULT_FIELDS = ['externalCompanyId', 'company', 'createdAt', 'updatedAt'];

export const MANAGED_BY_CRM =
  'Company is managed by the CRM (Microsoft Dynamics 365): change the account in Dynamics, which syncs it to the lead database';

function companyFilter(filterType: string, values: readonly string[]): CompanyFilter {
  switch (filterType) {
    case 'id':
      return { kind: 'id', values: integers(values, 'id') };
    case 'externalCompanyId': {
      const bad = values.find((v) => !GUID.test(v));
      if (bad !== undefined)
        throw new RestError(
          RestCode.InvalidValue,
          `Invalid value '${bad.slice(0, 100)}' for externalCompanyId: a Dynamics account id (GUID) is required`,
        );
      return { kind: 'externalCompanyId', values };
    }
    case 'company':
      return { kind: 'company', values };
    default:
      throw new RestError(
        RestCode.InvalidData,
        `Invalid filterType '${filterType.slice(0, 100)}': use externalCompanyId, id or company`,
      );
  }
}

/** Requested company fields: the system ones and the selected account fields (unknown: 1006). */
function companyFields(q: Query, known: LeadFields): string[] {
  const names = new Map([...SYSTEM_FIELDS, ...known.companyFieldNames].map((n) => [n.toLowerCase(), n]));
  const asked = splitList(param(q, 'fields'));
  const wanted = asked.length > 0 ? asked : DEFAULT_FIELDS.filter((d) => names.has(d.toLowerCase()));
  return wanted.map((w) => {
    const name = names.get(w.toLowerCase());
    if (!name) throw new RestError(RestCode.FieldNotFound, `Field '${w.slice(0, 100)}' not found`);
    return name;
  });
}

function companyValue(c: RestCompany, name: string): unknown {
  switch (name) {
    case 'id':
      return c.id;
    case 'externalCompanyId':
      return c.dynamicsId;
    case 'createdAt':
      return c.createdAt.toISOString();
    case 'updatedAt':
      return c.updatedAt.toISOString();
    default:
      return c.fields[name] ?? null;
  }
}

async function readCompanies(ctx: RestContext, q: Query) {
  const { db } = ctx.deps;
  const filter = companyFilter(requireParam(q, 'filterType'), filterValues(q));
  const fields = companyFields(q, await ctx.leadFields.get());
  const size = batchSize(q);
  const after = decodeToken(param(q, 'nextPageToken'), 'companies');
  const rows = await findCompaniesPage(db, filter, after, size + 1);
  const page = rows.slice(0, size);
  const result = page.map((c, seq) => {
    const out: Record<string, unknown> = { seq, id: c.id };
    for (const name of fields) out[name] = companyValue(c, name);
    return out;
  });
  return success(
    result,
    rows.length > size ? { nextPageToken: encodeToken('companies', page[page.length - 1]!.id) } : {},
  );
}

export function registerCompanies(app: FastifyInstance, ctx: RestContext): void {
  app.get('/v1/companies.json', async (req) => readCompanies(ctx, req.query as Query));

  app.post('/v1/companies.json', async (req) => {
    const asQuery = asGet(req.query, req.body);
    if (asQuery) return readCompanies(ctx, asQuery);
    return refuseEveryRecord(req, RestCode.InvalidData, MANAGED_BY_CRM);
  });
}
