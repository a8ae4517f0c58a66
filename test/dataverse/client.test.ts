import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/index.js';
import { DeltaTokenExpiredError } from '../../src/domain/index.js';
import { DataverseClient, type ReadPage } from '../../src/dataverse/index.js';
import { TransportError } from '../../src/dataverse/http.js';
import { API, FakeTokens, FakeWebApi, fail, ok, settings } from './fake-web-api.js';

const client = (api: FakeWebApi, maxPageSize = 2) =>
  new DataverseClient({
    settings,
    logger: silentLogger(),
    maxPageSize,
    tokens: new FakeTokens(),
    http: api.send,
    retry: { initialDelayMs: 1, maxDelayMs: 1 },
    throttle: { maxConcurrent: 4 },
  });

const row = (n: number) => ({
  '@odata.etag': `W/"${n}"`,
  accountid: `00000000-0000-0000-0000-00000000000${n}`,
  name: `A${n}`,
  modifiedon: '2025-03-01T10:00:00Z',
});
const link = (q: string) => `${API}accounts?$select=name&${q}`;
const DELTA = link('$deltatoken=100%2108%2f22%2f2017');

/** Three pages: two with nextLinks, the last with the deltaLink. */
const threePages = (api: FakeWebApi) =>
  api
    .on('accounts?$select=name,modifiedon', ok({ value: [row(1), row(2)], '@odata.nextLink': link('$skiptoken=p2') }))
    .on('$skiptoken=p2', ok({ value: [row(3), row(4)], '@odata.nextLink': link('$skiptoken=p3') }))
    .on('$skiptoken=p3', ok({ value: [row(5)], '@odata.deltaLink': DELTA }));

async function collect(pages: AsyncGenerator<ReadPage>): Promise<ReadPage[]> {
  const out: ReadPage[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

describe('DataverseClient.readPages', () => {
  it('starts a change-tracked read and follows nextLinks to the deltaLink, one page at a time', async () => {
    const api = threePages(new FakeWebApi());
    const pages = await collect(
      client(api).readPages({ entity: 'account', entitySet: 'accounts', select: ['name', 'modifiedon'], link: null }),
    );
    expect(pages.map((p) => p.rows.map((r) => r.name))).toEqual([['A1', 'A2'], ['A3', 'A4'], ['A5']]);
    expect(pages.map((p) => [p.nextLink !== null, p.deltaLink])).toEqual([
      [true, null],
      [true, null],
      [false, DELTA],
    ]);
    expect(api.requests[0]!.url).toBe(`${API}accounts?$select=name,modifiedon`);
    expect(api.requests[0]!.headers.Prefer).toBe(
      'odata.track-changes,odata.maxpagesize=2,odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"',
    );
    expect(api.requests.every((r) => r.headers.Prefer === api.requests[0]!.headers.Prefer)).toBe(true);
  });

  it('does not fetch ahead unless asked: the next page is requested when the caller wants it', async () => {
    const api = threePages(new FakeWebApi());
    const pages = client(api).readPages({
      entity: 'account',
      entitySet: 'accounts',
      select: ['name', 'modifiedon'],
      link: null,
    });
    await pages.next();
    expect(api.requests).toHaveLength(1);
    await pages.return();
    expect(api.requests).toHaveLength(1);
  });

  it('with prefetch, fetches the next page while the caller holds this one', async () => {
    const api = threePages(new FakeWebApi());
    const pages = client(api).readPages({
      entity: 'account',
      entitySet: 'accounts',
      select: ['name', 'modifiedon'],
      link: null,
      prefetch: true,
    });
    const first = await pages.next();
    expect((first.value as ReadPage).rows).toHaveLength(2);
    await new Promise((r) => setImmediate(r));
    expect(api.urls()).toEqual([`${API}accounts?$select=name,modifiedon`, link('$skiptoken=p2')]);
    const rest = await collect(pages);
    expect(rest.map((p) => p.rows.length)).toEqual([2, 1]);
    expect(api.requests).toHaveLength(3);
  });

  it('surfaces a prefetch failure when the caller reaches that page', async () => {
    const api = threePages(new FakeWebApi()).on(
      '$skiptoken=p2',
      fail(400, '0x80060888', "Could not find a property named 'name'."),
    );
    const pages = client(api).readPages({
      entity: 'account',
      entitySet: 'accounts',
      select: ['name', 'modifiedon'],
      link: null,
      prefetch: true,
    });
    await pages.next();
    await new Promise((r) => setImmediate(r));
    await expect(pages.next()).rejects.toMatchObject({ code: 'column_deleted', column: 'name', entity: 'account' });
  });

  it('reads a delta from a stored deltaLink, with deletes split out', async () => {
    const api = new FakeWebApi().on(
      '$deltatoken=100',
      ok({
        '@odata.context': `${API}$metadata#accounts(name)/$delta`,
        value: [
          row(1),
          {
            '@odata.context': `${API}$metadata#accounts/$deletedEntity`,
            id: '00000000-0000-0000-0000-000000000009',
            reason: 'deleted',
          },
        ],
        '@odata.deltaLink': link('$deltatoken=101'),
      }),
    );
    const [page] = await collect(
      client(api).readPages({ entity: 'account', entitySet: 'accounts', select: ['name'], link: DELTA }),
    );
    expect(page).toMatchObject({
      isDelta: true,
      deletedIds: ['00000000-0000-0000-0000-000000000009'],
      deltaLink: link('$deltatoken=101'),
    });
    expect(page!.rows).toHaveLength(1);
    expect(api.urls()).toEqual([DELTA]);
  });

  it('turns an expired delta token into DeltaTokenExpiredError', async () => {
    const api = new FakeWebApi().on(
      '$deltatoken=',
      fail(400, '0x80044352', 'Version stamp associated with the client has expired. Please perform a full sync.'),
    );
    const pages = client(api).readPages({ entity: 'account', entitySet: 'accounts', select: ['name'], link: DELTA });
    await expect(collect(pages)).rejects.toBeInstanceOf(DeltaTokenExpiredError);
  });

  it('refuses column names that would change the query', async () => {
    const api = new FakeWebApi();
    const pages = client(api).readPages({
      entity: 'account',
      entitySet: 'accounts',
      select: ['name&$filter=x'],
      link: null,
    });
    await expect(pages.next()).rejects.toMatchObject({ code: 'invalid_name' });
    expect(api.requests).toHaveLength(0);
  });
});

describe('DataverseClient metadata and checks', () => {
  it('reads the columns of a table in one request plus one per cast type', async () => {
    const attr = (LogicalName: string, AttributeType: string) => ({
      LogicalName,
      AttributeType,
      MetadataId: `id-${LogicalName}`,
      IsValidForRead: true,
      DisplayName: null,
    });
    const api = new FakeWebApi()
      .on(
        'Attributes?$select',
        ok({
          value: [
            attr('name', 'String'),
            attr('telephone1', 'String'),
            attr('industrycode', 'Picklist'),
            attr('revenue', 'Money'),
          ],
        }),
      )
      .on(
        'StringAttributeMetadata',
        ok({
          value: [
            { LogicalName: 'name', MaxLength: 160 },
            { LogicalName: 'telephone1', MaxLength: 50 },
          ],
        }),
      )
      .on(
        'PicklistAttributeMetadata',
        ok({
          value: [
            {
              LogicalName: 'industrycode',
              OptionSet: { Options: [{ Value: 1, Label: { UserLocalizedLabel: { Label: 'Accounting' } } }] },
            },
          ],
        }),
      )
      .on(
        'MoneyAttributeMetadata',
        ok({ value: [{ LogicalName: 'revenue', MinValue: 0, MaxValue: 100_000_000_000_000 }] }),
      );
    const attrs = await client(api).attributes('account');
    expect(api.requests).toHaveLength(4);
    expect(attrs.map((a) => [a.logicalName, a.maxLength, a.options?.length ?? null, a.minValue, a.maxValue])).toEqual([
      ['name', 160, null, null, null],
      ['telephone1', 50, null, null, null],
      ['industrycode', null, 1, null, null],
      ['revenue', null, null, 0, 100_000_000_000_000],
    ]);
  });

  it('reports an unknown table clearly', async () => {
    const api = new FakeWebApi().on('EntityDefinitions', fail(404, '0x80040217', "Could not find entity 'nope'"));
    await expect(client(api).entityDefinition('nope')).rejects.toMatchObject({ code: 'unknown_table' });
  });

  it('counts pending changes with the stored delta token', async () => {
    const api = new FakeWebApi().on('/$count', {
      status: 200,
      text: '42',
      headers: new Headers({ 'content-type': 'text/plain' }),
    });
    await expect(client(api).countChanges('accounts', DELTA)).resolves.toBe(42);
    expect(api.urls()).toEqual([`${API}accounts/$count?$deltatoken=100%2108%2f22%2f2017`]);
  });

  it('lists readable secured columns (CanRead 4) and privilege names', async () => {
    const user = '11111111-2222-3333-4444-555555555555';
    const api = new FakeWebApi()
      .on(
        'RetrievePrincipalAttributePrivileges',
        ok({
          AttributePrivileges: [
            { AttributeId: 'AAA', CanRead: 4 },
            { AttributeId: 'bbb', CanRead: 0 },
          ],
        }),
      )
      .on('RetrieveUserPrivileges', ok({ RolePrivileges: [{ PrivilegeName: 'prvReadAccount', Depth: 'Global' }] }));
    const c = client(api);
    await expect(c.readableSecuredColumnIds(user)).resolves.toEqual(new Set(['aaa']));
    await expect(c.privileges(user)).resolves.toEqual(new Set(['prvReadAccount']));
  });

  it('reads update and create rights of secured columns (AttributePrivilege CanUpdate / CanCreate, 4 = Allowed)', async () => {
    const user = '11111111-2222-3333-4444-555555555555';
    const api = new FakeWebApi().on(
      'RetrievePrincipalAttributePrivileges',
      ok({
        AttributePrivileges: [
          { AttributeId: 'AAA', CanRead: 4, CanUpdate: 0, CanCreate: 4, CanReadUnMasked: 0 },
          { AttributeId: 'bbb', CanRead: 0, CanUpdate: 4, CanCreate: 0 },
          { AttributeId: 'ccc', CanRead: 4 },
        ],
      }),
    );
    const rights = await client(api).columnPrivileges(user);
    expect(Object.fromEntries(rights)).toEqual({
      aaa: { read: true, update: false, create: true },
      bbb: { read: false, update: true, create: false },
      ccc: { read: true, update: false, create: false },
    });
  });

  it('asks for IsValidForUpdate and IsValidForCreate with the columns', async () => {
    const attr = (LogicalName: string, IsValidForUpdate: boolean, IsValidForCreate: boolean) => ({
      LogicalName,
      AttributeType: 'String',
      MetadataId: `id-${LogicalName}`,
      IsValidForUpdate,
      IsValidForCreate,
      DisplayName: null,
    });
    const api = new FakeWebApi()
      .on('Attributes?$select', ok({ value: [attr('fullname', false, false), attr('firstname', true, true)] }))
      .on('StringAttributeMetadata', ok({ value: [] }));
    const attrs = await client(api).attributes('contact');
    expect(api.urls()[0]).toContain('IsValidForUpdate,IsValidForCreate');
    expect(attrs.map((a) => [a.logicalName, a.isValidForUpdate, a.isValidForCreate])).toEqual([
      ['fullname', false, false],
      ['firstname', true, true],
    ]);
  });

  it('ping: a Bearer challenge or a service document is Dataverse; anything else is not', async () => {
    const challenge = {
      status: 401,
      text: '',
      headers: new Headers({
        'www-authenticate': 'Bearer authorization_uri=https://login.microsoftonline.com/x/oauth2/authorize',
      }),
    };
    await expect(client(new FakeWebApi().on(API, challenge)).ping()).resolves.toEqual({ ok: true });
    await expect(
      client(new FakeWebApi().on(API, ok({ '@odata.context': `${API}$metadata`, value: [] }))).ping(),
    ).resolves.toEqual({ ok: true });

    const html = { status: 200, text: '<html>Welcome</html>', headers: new Headers({ 'content-type': 'text/html' }) };
    await expect(client(new FakeWebApi().on(API, html)).ping()).rejects.toMatchObject({ code: 'not_dataverse' });
    await expect(client(new FakeWebApi().on(API, fail(404, '', 'nope'))).ping()).rejects.toMatchObject({
      code: 'not_dataverse',
    });
    const refused = client(
      new FakeWebApi().on(API, new TransportError('network', 'Could not reach https://x: ECONNREFUSED')),
    );
    await expect(refused.ping()).rejects.toMatchObject({
      code: 'not_dataverse',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });
});
