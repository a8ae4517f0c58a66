/**
 * POST leads(<id>)/Microsoft.Dynamics.CRM.QualifyLead: the bound action of the lead's out-of-box
 * Qualify process. In one transaction it creates the account (from the lead's company columns), the
 * contact (from its person columns, `originatingleadid` pointing at the lead, under the new account)
 * and the opportunity the parameters ask for, closes the lead as Qualified (statecode 1, statuscode
 * `Status`), and answers the created entities as a collection of crmbaseentity.
 */
import { DvCode } from '../../wire/index.js';
import { DataverseHttpError, badRequest, notFound } from '../errors.js';
import type { EmuRequest, EmuResponse } from '../http/types.js';
import { JSON_HEADERS, storeFor, type PlaneDeps } from './deps.js';
import type { TableStore } from './table-store.js';

type Body = Record<string, unknown>;

const ACCOUNT_FROM_LEAD: Record<string, string> = {
  companyname: 'name',
  websiteurl: 'websiteurl',
  telephone1: 'telephone1',
  fax: 'fax',
  emailaddress1: 'emailaddress1',
  address1_line1: 'address1_line1',
  address1_line2: 'address1_line2',
  address1_line3: 'address1_line3',
  address1_city: 'address1_city',
  address1_stateorprovince: 'address1_stateorprovince',
  address1_postalcode: 'address1_postalcode',
  address1_country: 'address1_country',
  revenue: 'revenue',
  numberofemployees: 'numberofemployees',
  industrycode: 'industrycode',
  description: 'description',
};
const CONTACT_FROM_LEAD = [
  'salutation',
  'firstname',
  'middlename',
  'lastname',
  'emailaddress1',
  'emailaddress2',
  'emailaddress3',
  'jobtitle',
  'telephone1',
  'telephone2',
  'mobilephone',
  'fax',
  'address1_line1',
  'address1_line2',
  'address1_line3',
  'address1_city',
  'address1_stateorprovince',
  'address1_postalcode',
  'address1_country',
  'preferredcontactmethodcode',
  'description',
  'donotemail',
  'donotbulkemail',
  'donotphone',
  'donotfax',
  'donotsendmm',
];

function flag(body: Body, name: string): boolean {
  const v = body[name];
  if (typeof v !== 'boolean')
    throw badRequest(
      `The parameter '${name}' of QualifyLead is required and must be a Boolean.`,
      DvCode.QueryValidation,
    );
  return v;
}

function copy(store: TableStore, row: number, map: Record<string, string>): Body {
  const out: Body = {};
  for (const [from, to] of Object.entries(map)) {
    const v = store.column(from)?.get(row);
    if (v !== null && v !== undefined) out[to] = v;
  }
  return out;
}

export async function qualifyLead(deps: PlaneDeps, req: EmuRequest): Promise<EmuResponse> {
  if (req.path.kind !== 'boundFunction') throw notFound('Not a bound action.');
  if (req.method !== 'POST')
    throw new DataverseHttpError(405, DvCode.InvalidArgument, 'QualifyLead is an action: use POST.');
  const leads = storeFor(deps, req.path.entitySet);
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Body;
  const wants = {
    account: flag(body, 'CreateAccount'),
    contact: flag(body, 'CreateContact'),
    opportunity: flag(body, 'CreateOpportunity'),
  };
  const status = body.Status;
  if (typeof status !== 'number')
    throw badRequest("The parameter 'Status' of QualifyLead is required.", DvCode.QueryValidation);
  const p = req.principal;
  deps.security.assertCanWrite(p, 'lead', 'write');
  for (const t of ['account', 'contact', 'opportunity'] as const)
    if (wants[t]) deps.security.assertCanWrite(p, t, 'create');
  const leadId = req.path.id;
  const row = leads.rowOf(leadId);
  if (row === undefined) throw notFound(`lead With Id = ${leadId} Does Not Exist`);
  if (leads.column('statecode')!.get(row) !== 0) {
    throw badRequest(
      'The lead is closed. You cannot convert or qualify a lead that is already closed.',
      DvCode.InvalidArgument,
    );
  }
  const created: Body[] = [];
  const make = (table: string, fields: Body): string => {
    const store = deps.db.store(table)!;
    const id = deps.mutator.create(p, store, { ...fields, 'originatingleadid@odata.bind': `/leads(${leadId})` });
    created.push({ '@odata.type': `#Microsoft.Dynamics.CRM.${table}`, [store.def.primaryIdAttribute]: id });
    return id;
  };
  await deps.mutator.atomic(
    async () => {
      const accountId =
        wants.account && leads.column('companyname')!.get(row)
          ? make('account', copy(leads, row, ACCOUNT_FROM_LEAD))
          : undefined;
      const contactFields = copy(leads, row, Object.fromEntries(CONTACT_FROM_LEAD.map((c) => [c, c])));
      const contactId = wants.contact
        ? make('contact', {
            ...contactFields,
            ...(accountId ? { 'parentcustomerid_account@odata.bind': `/accounts(${accountId})` } : {}),
          })
        : undefined;
      let opportunityId: string | undefined;
      if (wants.opportunity) {
        const customer = accountId ? `/accounts(${accountId})` : contactId ? `/contacts(${contactId})` : undefined;
        opportunityId = make('opportunity', {
          name: (leads.column('subject')!.get(row) as string | null) ?? 'Opportunity',
          ...(customer
            ? { [accountId ? 'customerid_account@odata.bind' : 'customerid_contact@odata.bind']: customer }
            : {}),
          ...(accountId ? { 'parentaccountid@odata.bind': `/accounts(${accountId})` } : {}),
          ...(contactId ? { 'parentcontactid@odata.bind': `/contacts(${contactId})` } : {}),
        });
      }
      deps.mutator.update(p, leads, row, {
        statecode: 1,
        statuscode: status,
        ...(opportunityId ? { 'qualifyingopportunityid@odata.bind': `/opportunities(${opportunityId})` } : {}),
      });
      return false;
    },
    () => false,
  );
  const context = `${req.baseUrl}$metadata#Collection(Microsoft.Dynamics.CRM.crmbaseentity)`;
  return {
    status: 200,
    headers: { ...JSON_HEADERS },
    body: JSON.stringify({ '@odata.context': context, value: created }),
  };
}
