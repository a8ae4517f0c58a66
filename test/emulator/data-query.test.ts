import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataPlaneServer, type TestServer } from './helpers/data-plane-server.js';

type Row = Record<string, unknown>;
interface Page {
  '@odata.context': string;
  '@odata.nextLink'?: string;
  value: Row[];
}

let s: TestServer;
let accountId: string;
let contactIds: string[];
beforeAll(async () => {
  s = await startDataPlaneServer({ seed: 'none' });
  const rep = s.principal('rep@contoso.test');
  accountId = s.data.create(rep, 'account', {
    name: "O'Brien & Sons",
    industrycode: 7,
    revenue: 20000,
    numberofemployees: 120,
    creditlimit: 5000,
    donotemail: true,
  });
  s.data.create(rep, 'account', { name: 'Contoso Ltd', industrycode: 16, revenue: 1500000.5, numberofemployees: 4000 });
  s.data.create(rep, 'account', { name: 'Fabrikam', numberofemployees: 15 });
  contactIds = [
    s.data.create(rep, 'contact', {
      firstname: 'Ada',
      lastname: 'Lovelace',
      emailaddress1: 'ada@obrien.test',
      'parentcustomerid_account@odata.bind': `/accounts(${accountId})`,
      birthdate: '1815-12-10',
    }),
    s.data.create(rep, 'contact', { firstname: 'Alan', lastname: 'Turing', emailaddress1: 'alan@contoso.test' }),
    s.data.create(rep, 'contact', {
      firstname: 'Grace',
      lastname: 'Hopper',
      emailaddress1: null,
      jobtitle: 'Rear Admiral',
    }),
  ];
});
afterAll(() => s.close());

const rows = async (query: string, headers: Record<string, string> = {}, user?: string): Promise<Row[]> => {
  const res = await s.get(query, headers, user);
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as Page).value;
};
const names = async (query: string) => (await rows(query)).map((r) => r.name ?? r.lastname);
const error = async (query: string, headers: Record<string, string> = {}) => {
  const res = await s.get(query, headers);
  return { status: res.status, ...((await res.json()) as { error: { code: string; message: string } }) };
};

describe('$filter', () => {
  it('compares numbers, strings (case-insensitively), nulls and booleans', async () => {
    expect(await names('accounts?$select=name&$filter=numberofemployees gt 100&$orderby=name')).toEqual([
      'Contoso Ltd',
      "O'Brien & Sons",
    ]);
    expect(await names('accounts?$select=name&$filter=numberofemployees le 120 and numberofemployees ge 120')).toEqual([
      "O'Brien & Sons",
    ]);
    expect(await names("accounts?$select=name&$filter=name eq 'fabrikam'")).toEqual(['Fabrikam']);
    expect(await names("accounts?$select=name&$filter=name ne 'fabrikam'&$orderby=name")).toEqual([
      'Contoso Ltd',
      "O'Brien & Sons",
    ]);
    expect(await names('accounts?$select=name&$filter=industrycode eq null')).toEqual(['Fabrikam']);
    expect(await names('accounts?$select=name&$filter=revenue ne null&$orderby=revenue desc')).toEqual([
      'Contoso Ltd',
      "O'Brien & Sons",
    ]);
    expect(await names('accounts?$select=name&$filter=donotemail eq true')).toEqual(["O'Brien & Sons"]);
  });

  it('supports contains/startswith/endswith with quote escaping, not, or and parentheses', async () => {
    expect(await names("accounts?$select=name&$filter=contains(name,'''brien')")).toEqual(["O'Brien & Sons"]);
    expect(await names("accounts?$select=name&$filter=startswith(name,'CONTO')")).toEqual(['Contoso Ltd']);
    expect(await names("accounts?$select=name&$filter=endswith(name,'kam')")).toEqual(['Fabrikam']);
    expect(await names("accounts?$select=name&$filter=not contains(name,'o')")).toEqual(['Fabrikam']);
    expect(
      await names(
        'accounts?$select=name&$filter=(industrycode eq 7 or industrycode eq 16) and not (numberofemployees lt 200)',
      ),
    ).toEqual(['Contoso Ltd']);
  });

  it('filters lookups by unquoted GUID, primary keys and datetimes', async () => {
    expect(
      await names(`contacts?$select=lastname&$filter=_parentcustomerid_value eq ${accountId.toUpperCase()}`),
    ).toEqual(['Lovelace']);
    expect(await names(`contacts?$select=lastname&$filter=contactid eq ${contactIds[1]}`)).toEqual(['Turing']);
    expect(await names('contacts?$select=lastname&$filter=birthdate lt 1900-01-01')).toEqual(['Lovelace']);
    const all = await rows('contacts?$select=lastname&$filter=modifiedon gt 2000-01-01T00:00:00Z');
    expect(all).toHaveLength(3);
    expect(
      await rows(
        `contacts?$select=lastname&$filter=modifiedon gt ${new Date(s.clock.now() + 86_400_000).toISOString()}`,
      ),
    ).toEqual([]);
  });

  it('answers 400 with Dataverse-like messages for unknown columns and bad syntax', async () => {
    const unknown = await error("accounts?$filter=nosuch eq 'x'");
    expect(unknown.status).toBe(400);
    expect(unknown.error).toEqual({
      code: '0x80060888',
      message: "Could not find a property named 'nosuch' on type 'Microsoft.Dynamics.CRM.account'.",
    });
    expect((await error("accounts?$filter=name eq 'x' and")).status).toBe(400);
    expect((await error('accounts?$filter=name eq 5')).error.message).toContain('incompatible types');
  });
});

describe('$select, $orderby, refused options', () => {
  it('returns only selected columns plus etag and key, with a context that echoes $select', async () => {
    const res = await s.get('accounts?$select=name,revenue&$filter=numberofemployees eq 120');
    expect(res.headers.get('content-type')).toMatch(
      /^application\/json; odata\.metadata=minimal; odata\.streaming=true/,
    );
    expect(res.headers.get('odata-version')).toBe('4.0');
    const p = (await res.json()) as Page;
    expect(p['@odata.context']).toBe(`${s.api}$metadata#accounts(name,revenue)`);
    const row = p.value[0]!;
    expect(Object.keys(row)).toEqual(['@odata.etag', 'name', 'revenue', '_transactioncurrencyid_value', 'accountid']);
    expect(row['@odata.etag']).toMatch(/^W\/"\d+"$/);
    expect(row.revenue).toBe(20000);
    expect(row.accountid).toBe(accountId);
  });

  it('returns every column without $select, with Dataverse value formats', async () => {
    const [row] = await rows(`contacts?$filter=contactid eq ${contactIds[0]}`);
    expect(row).toMatchObject({
      firstname: 'Ada',
      lastname: 'Lovelace',
      fullname: 'Ada Lovelace',
      birthdate: '1815-12-10',
      statecode: 0,
      statuscode: 1,
      donotemail: false,
      jobtitle: null,
    });
    expect(row!.createdon).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(row!._modifiedby_value).toBe(s.principal('rep@contoso.test').userId);
    expect(row!._ownerid_value).toBe(s.principal('rep@contoso.test').userId);
    expect(row!.versionnumber).toBe(Number(/\d+/.exec(row!['@odata.etag'] as string)![0]));
  });

  it('orders by several columns, nulls first ascending', async () => {
    expect(await names('accounts?$select=name&$orderby=industrycode,name desc')).toEqual([
      'Fabrikam',
      "O'Brien & Sons",
      'Contoso Ltd',
    ]);
    expect(await names('contacts?$select=lastname&$orderby=emailaddress1 desc')).toEqual([
      'Turing',
      'Lovelace',
      'Hopper',
    ]);
  });

  it('refuses $skip, $search, $format and $apply, and unknown $select columns', async () => {
    for (const q of ['$skip=1', '$search=x', '$format=json', '$apply=groupby((name))']) {
      const e = await error(`accounts?${q}`);
      expect(e.status).toBe(400);
      expect(e.error.code).toBe('0x80060888');
      expect(e.error.message).toContain(q.split('=')[0]);
    }
    const e = await error('accounts?$select=name,bogus');
    expect(e.error.message).toBe("Could not find a property named 'bogus' on type 'Microsoft.Dynamics.CRM.account'.");
    expect((await error('accounts?$select=parentaccountid')).status).toBe(400);
    expect((await error('nosuchset')).status).toBe(404);
  });
});

describe('annotations and security', () => {
  it('adds FormattedValue, lookuplogicalname and associatednavigationproperty on request', async () => {
    const [contact] = await rows(
      `contacts?$select=_parentcustomerid_value,birthdate,donotemail&$filter=contactid eq ${contactIds[0]}`,
      {
        Prefer: 'odata.include-annotations="*"',
      },
    );
    expect(contact).toMatchObject({
      '_parentcustomerid_value@OData.Community.Display.V1.FormattedValue': "O'Brien & Sons",
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty': 'parentcustomerid_account',
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'account',
      _parentcustomerid_value: accountId,
      'birthdate@OData.Community.Display.V1.FormattedValue': '12/10/1815',
      'donotemail@OData.Community.Display.V1.FormattedValue': 'Allow',
    });
    const [account] = await rows(
      `accounts?$select=industrycode,revenue,createdon,_ownerid_value&$filter=accountid eq ${accountId}`,
      {
        Prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"',
      },
    );
    expect(account!['industrycode@OData.Community.Display.V1.FormattedValue']).toBe('Consulting');
    expect(account!['revenue@OData.Community.Display.V1.FormattedValue']).toBe('$20,000.00');
    expect(account!['createdon@OData.Community.Display.V1.FormattedValue']).toMatch(
      /^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d\d (AM|PM)$/,
    );
    expect(account!['_ownerid_value@OData.Community.Display.V1.FormattedValue']).toBe('Rita Rep');
    expect(account!['_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname']).toBeUndefined();
  });

  it('returns null for secured columns the caller cannot read, and 403 without table read', async () => {
    const q = `accounts?$select=name,revenue,creditlimit&$filter=accountid eq ${accountId}`;
    const [full] = await rows(q);
    expect(full).toMatchObject({ revenue: 20000, creditlimit: 5000 });
    const [limited] = await rows(q, { Prefer: 'odata.include-annotations="*"' }, 'limited@contoso.test');
    expect(limited).toMatchObject({ name: "O'Brien & Sons", revenue: null, creditlimit: null });
    expect(limited!['revenue@OData.Community.Display.V1.FormattedValue']).toBeUndefined();
    const res = await s.get('leads?$select=subject', {}, 'limited@contoso.test');
    expect(res.status).toBe(403);
  });
});
