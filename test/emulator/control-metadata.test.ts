import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlaneHarness } from './helpers/control-plane-fakes.js';
import { parseXml } from './helpers/xml.js';

type Obj = Record<string, unknown>;
let h: ControlPlaneHarness;
beforeAll(async () => {
  h = await startControlPlane();
});
afterAll(() => h.close());

const json = async (path: string, status = 200): Promise<Obj> => {
  const res = await h.get(path);
  const body = (await res.json()) as Obj;
  expect(res.status, JSON.stringify(body)).toBe(status);
  return body;
};
const values = async (path: string): Promise<Obj[]> => (await json(path)).value as Obj[];

describe('EntityDefinitions', () => {
  it('lists tables with $select, always including MetadataId', async () => {
    const body = await json(
      'EntityDefinitions?$select=LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,ChangeTrackingEnabled',
    );
    expect(body['@odata.context']).toBe(`${h.api}$metadata#EntityDefinitions`);
    const account = (body.value as Obj[]).find((e) => e.LogicalName === 'account')!;
    expect(Object.keys(account).sort()).toEqual([
      'ChangeTrackingEnabled',
      'EntitySetName',
      'LogicalName',
      'MetadataId',
      'PrimaryIdAttribute',
      'PrimaryNameAttribute',
    ]);
    expect(account).toMatchObject({
      EntitySetName: 'accounts',
      PrimaryIdAttribute: 'accountid',
      PrimaryNameAttribute: 'name',
      ChangeTrackingEnabled: true,
    });
  });

  it('filters on simple comparisons', async () => {
    expect(
      (await values("EntityDefinitions?$filter=LogicalName eq 'account'&$select=LogicalName")).map(
        (e) => e.LogicalName,
      ),
    ).toEqual(['account']);
    h.admin.setChangeTracking('lead', false);
    const tracked = await values('EntityDefinitions?$filter=ChangeTrackingEnabled eq true&$select=LogicalName');
    expect(tracked.map((e) => e.LogicalName)).toEqual(['account', 'systemuser']);
    h.admin.setChangeTracking('lead', true);
    const either = await values(
      "EntityDefinitions?$filter=(LogicalName eq 'lead' or LogicalName eq 'systemuser') and not (ObjectTypeCode eq 8)&$select=LogicalName",
    );
    expect(either.map((e) => e.LogicalName)).toEqual(['lead']);
  });

  it('addresses one table by LogicalName or MetadataId, with labels', async () => {
    const byName = await json("EntityDefinitions(LogicalName='account')");
    const byId = await json(`EntityDefinitions(${String(byName.MetadataId)})?$select=LogicalName`);
    expect(byId.LogicalName).toBe('account');
    expect(byName.DisplayName).toMatchObject({
      LocalizedLabels: [{ Label: 'account', LanguageCode: 1033 }],
      UserLocalizedLabel: { Label: 'account' },
    });
    expect(byName['@odata.context']).toBe(`${h.api}$metadata#EntityDefinitions/$entity`);
  });

  it('expands Attributes with an inner $select', async () => {
    const e = await json(
      "EntityDefinitions(LogicalName='lead')?$select=LogicalName&$expand=Attributes($select=LogicalName)",
    );
    expect((e.Attributes as Obj[]).map((a) => a.LogicalName)).toEqual(['leadid', 'fullname', 'parentcustomerid']);
  });

  it('answers Dataverse errors for unknown tables, properties and segments', async () => {
    const missing = await json("EntityDefinitions(LogicalName='nope')", 404);
    expect((missing.error as Obj).code).toBe('0x80040217');
    const badSelect = await json('EntityDefinitions?$select=Nope', 400);
    expect((badSelect.error as Obj).message).toBe(
      "Could not find a property named 'Nope' on type 'Microsoft.Dynamics.CRM.EntityMetadata'.",
    );
    await json("EntityDefinitions(LogicalName='account')/Keys", 404);
  });
});

describe('Attributes', () => {
  it('serializes AttributeMetadata with the documented shape', async () => {
    const attrs = await values("EntityDefinitions(LogicalName='account')/Attributes");
    const name = attrs.find((a) => a.LogicalName === 'name')!;
    expect(name).toMatchObject({
      '@odata.type': '#Microsoft.Dynamics.CRM.StringAttributeMetadata',
      SchemaName: 'name',
      AttributeType: 'String',
      AttributeTypeName: { Value: 'StringType' },
      IsValidForRead: true,
      IsValidODataAttribute: true,
      IsSecured: false,
      IsCustomAttribute: false,
      AttributeOf: null,
      MaxLength: 160,
      RequiredLevel: {
        Value: 'ApplicationRequired',
        CanBeChanged: false,
        ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings',
      },
      DisplayName: {
        LocalizedLabels: [{ Label: 'Account Name', LanguageCode: 1033 }],
        UserLocalizedLabel: { Label: 'Account Name', LanguageCode: 1033 },
      },
    });
    expect(attrs.find((a) => a.LogicalName === 'creditlimit')).toMatchObject({
      IsSecured: true,
      AttributeType: 'Money',
    });
    expect(attrs.find((a) => a.LogicalName === 'ownerid')).toMatchObject({
      AttributeType: 'Owner',
      Targets: ['systemuser'],
    });
  });

  it('selects and filters base properties, including enum literals', async () => {
    const picklists = await values(
      "EntityDefinitions(LogicalName='account')/Attributes?$select=LogicalName,IsSecured&$filter=AttributeType eq Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist'",
    );
    expect(picklists).toEqual([
      {
        '@odata.type': '#Microsoft.Dynamics.CRM.PicklistAttributeMetadata',
        LogicalName: 'industrycode',
        IsSecured: false,
        MetadataId: expect.any(String),
      },
    ]);
    const secured = await values(
      "EntityDefinitions(LogicalName='account')/Attributes?$select=LogicalName&$filter=IsSecured eq true",
    );
    expect(secured.map((a) => a.LogicalName)).toEqual(['creditlimit']);
  });

  it('refuses derived properties without a cast, as Dataverse does', async () => {
    const body = await json("EntityDefinitions(LogicalName='account')/Attributes?$select=LogicalName,MaxLength", 400);
    expect((body.error as Obj).message).toContain("'MaxLength' on type 'Microsoft.Dynamics.CRM.AttributeMetadata'");
  });

  it('addresses one attribute by LogicalName or MetadataId', async () => {
    const a = await json(
      "EntityDefinitions(LogicalName='account')/Attributes(LogicalName='name')?$select=LogicalName,RequiredLevel",
    );
    expect(a.LogicalName).toBe('name');
    const again = await json(
      `EntityDefinitions(LogicalName='account')/Attributes(${String(a.MetadataId)})?$select=LogicalName`,
    );
    expect(again.LogicalName).toBe('name');
    await json("EntityDefinitions(LogicalName='account')/Attributes(LogicalName='nope')", 404);
  });

  it('casts to StringAttributeMetadata for MaxLength and LookupAttributeMetadata for Targets', async () => {
    const strings = await values(
      "EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.StringAttributeMetadata?$select=LogicalName,MaxLength",
    );
    expect(strings.map((s) => [s.LogicalName, s.MaxLength])).toEqual([['name', 160]]);
    const lookups = await values(
      "EntityDefinitions(LogicalName='lead')/Attributes/Microsoft.Dynamics.CRM.LookupAttributeMetadata?$select=LogicalName,Targets",
    );
    expect(lookups).toMatchObject([{ LogicalName: 'parentcustomerid', Targets: ['account', 'contact'] }]);
  });

  it('expands OptionSet on Picklist, State, Status and Boolean casts', async () => {
    const base = "EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.";
    const [pick] = await values(`${base}PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet`);
    const options = ((pick!.OptionSet as Obj).Options as Obj[]).map((o) => [
      o.Value,
      ((o.Label as Obj).UserLocalizedLabel as Obj).Label,
    ]);
    expect(options).toEqual([
      [1, 'Accounting'],
      [2, 'Agriculture'],
    ]);
    expect(((pick!.OptionSet as Obj).Options as Obj[])[0]!.Label).toMatchObject({
      LocalizedLabels: [{ Label: 'Accounting', LanguageCode: 1033 }],
    });
    const [state] = await values(`${base}StateAttributeMetadata?$select=LogicalName&$expand=OptionSet`);
    expect((state!.OptionSet as Obj).OptionSetType).toBe('State');
    const [status] = await values(`${base}StatusAttributeMetadata?$select=LogicalName&$expand=OptionSet`);
    expect(((status!.OptionSet as Obj).Options as Obj[]).map((o) => o.Value)).toEqual([1, 2]);
    const [bool] = await values(`${base}BooleanAttributeMetadata?$select=LogicalName&$expand=OptionSet`);
    expect(bool!.OptionSet).toMatchObject({
      OptionSetType: 'Boolean',
      TrueOption: { Value: 1 },
      FalseOption: { Value: 0 },
    });
    const single = await json(
      "EntityDefinitions(LogicalName='account')/Attributes(LogicalName='industrycode')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet",
    );
    expect(((single.OptionSet as Obj).Options as Obj[]).length).toBe(2);
  });

  it('refuses OptionSet on the base type and unknown casts', async () => {
    await json("EntityDefinitions(LogicalName='account')/Attributes?$expand=OptionSet", 400);
    await json("EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.NopeAttributeMetadata", 404);
  });
});

describe('custom columns at run time', () => {
  it('shows added columns in Attributes and $metadata, and forgets removed ones', async () => {
    h.admin.addColumn('account', { logicalName: 'new_synctomkto', type: 'Boolean', displayName: 'Sync to Marketo' });
    h.admin.addColumn('account', {
      logicalName: 'new_tier',
      type: 'Picklist',
      options: [
        { value: 100000000, label: 'Gold' },
        { value: 100000001, label: 'Silver' },
      ],
    });
    const custom = await values(
      "EntityDefinitions(LogicalName='account')/Attributes?$select=LogicalName,SchemaName,IsCustomAttribute&$filter=IsCustomAttribute eq true",
    );
    expect(custom.map((a) => [a.LogicalName, a.SchemaName])).toEqual([
      ['new_synctomkto', 'new_Synctomkto'],
      ['new_tier', 'new_Tier'],
    ]);
    const [tier] = await values(
      "EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet&$filter=LogicalName eq 'new_tier'",
    );
    expect(((tier!.OptionSet as Obj).Options as Obj[]).map((o) => o.Value)).toEqual([100000000, 100000001]);
    expect(await (await h.get('$metadata')).text()).toContain('<Property Name="new_tier" Type="Edm.Int32"/>');

    h.admin.removeColumn('account', 'new_tier');
    h.admin.removeColumn('account', 'new_synctomkto');
    expect(
      await values(
        "EntityDefinitions(LogicalName='account')/Attributes?$select=LogicalName&$filter=IsCustomAttribute eq true",
      ),
    ).toEqual([]);
    expect(await (await h.get('$metadata')).text()).not.toContain('new_tier');
  });

  it('rejects bad column specs with clear messages', () => {
    expect(() => h.admin.addColumn('account', { logicalName: 'tier', type: 'String' })).toThrow(/publisher prefix/);
    expect(() => h.admin.addColumn('account', { logicalName: 'new_x', type: 'Picklist' })).toThrow(/needs options/);
    expect(() => h.admin.addColumn('nope', { logicalName: 'new_x', type: 'String' })).toThrow(/unknown table 'nope'/);
    expect(() => h.admin.removeColumn('account', 'name')).toThrow(/system column/);
  });
});

describe('$metadata', () => {
  it('is well-formed CSDL with types, keys, lookups and entity sets', async () => {
    const res = await h.get('$metadata');
    expect(res.headers.get('content-type')).toContain('application/xml');
    const els = parseXml(await res.text());
    const schema = els.find((e) => e.name === 'Schema')!;
    expect(schema.attrs).toMatchObject({ Namespace: 'Microsoft.Dynamics.CRM', Alias: 'mscrm' });
    expect(els.find((e) => e.name === 'EntityContainer')!.attrs.Name).toBe('System');
    const account = els.find((e) => e.name === 'EntityType' && e.attrs.Name === 'account')!;
    const inAccount = els.filter((e) => e.parent === account);
    expect(inAccount.filter((e) => e.name === 'Property').map((p) => p.attrs.Name)).toContain('_parentaccountid_value');
    expect(els.find((e) => e.name === 'PropertyRef' && e.parent?.parent === account)!.attrs.Name).toBe('accountid');
    const nav = inAccount.find((e) => e.name === 'NavigationProperty' && e.attrs.Name === 'parentaccountid')!;
    expect(nav.attrs.Type).toBe('mscrm.account');
    expect(els.find((e) => e.name === 'ReferentialConstraint' && e.parent === nav)!.attrs).toEqual({
      Property: '_parentaccountid_value',
      ReferencedProperty: 'accountid',
    });
    const leadNavs = els
      .filter((e) => e.name === 'NavigationProperty' && e.parent?.attrs.Name === 'lead')
      .map((e) => e.attrs.Name);
    expect(leadNavs).toEqual(['parentcustomerid_account']); // contact is not in this schema
    const sets = els.filter((e) => e.name === 'EntitySet').map((e) => [e.attrs.Name, e.attrs.EntityType]);
    expect(sets).toContainEqual(['accounts', 'Microsoft.Dynamics.CRM.account']);
    expect(els.some((e) => e.name === 'Annotation')).toBe(false);
  });

  it('adds ChangeTracking annotations on tracked sets with ?annotations=true', async () => {
    h.admin.setChangeTracking('lead', false);
    const els = parseXml(await (await h.get('$metadata?annotations=true')).text());
    const annotated = els
      .filter((e) => e.name === 'Annotation' && e.attrs.Term === 'Org.OData.Capabilities.V1.ChangeTracking')
      .map((e) => e.parent!.attrs.Name);
    expect(annotated).toEqual(['accounts', 'systemusers']);
    h.admin.setChangeTracking('lead', true);
  });
});

describe('WhoAmI and privilege functions', () => {
  it('answers WhoAmI with the caller, business unit and organization', async () => {
    const body = await json('WhoAmI');
    expect(body).toEqual({
      '@odata.context': `${h.api}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
      BusinessUnitId: h.ctx.org.businessUnitId,
      UserId: h.ctx.identity.userIdByName('sync@contoso.test'),
      OrganizationId: h.ctx.org.organizationId,
    });
  });

  it('lists table privileges, without read or write on denied tables', async () => {
    const id = h.ctx.identity.userIdByName('limited@contoso.test')!;
    const body = await json(`systemusers(${id})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`);
    const names = (body.RolePrivileges as Obj[]).map((p) => p.PrivilegeName);
    expect(names).toContain('prvReadAccount');
    expect(names).toContain('prvWriteAccount');
    expect(names).not.toContain('prvWriteLead');
    expect(names).not.toContain('prvReadLead');
    expect((body.RolePrivileges as Obj[])[0]).toMatchObject({
      Depth: 'Global',
      BusinessUnitId: h.ctx.org.businessUnitId,
      PrivilegeId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('lists secured-column permissions by attribute MetadataId', async () => {
    const creditLimit = (
      await json("EntityDefinitions(LogicalName='account')/Attributes(LogicalName='creditlimit')?$select=LogicalName")
    ).MetadataId;
    const sync = h.ctx.identity.userIdByName('sync@contoso.test')!;
    const limited = h.ctx.identity.userIdByName('limited@contoso.test')!;
    const fn = (id: string) => json(`systemusers(${id})/Microsoft.Dynamics.CRM.RetrievePrincipalAttributePrivileges()`);
    expect((await fn(sync)).AttributePrivileges).toEqual([
      { AttributeId: creditLimit, CanCreate: 4, CanRead: 4, CanUpdate: 4, CanReadUnMasked: 0 },
    ]);
    expect((await fn(limited)).AttributePrivileges).toEqual([]);
    // Read alone does not grant create or update.
    h.admin.setSecuredColumnRead('limited@contoso.test', 'account', 'creditlimit', true);
    expect((await fn(limited)).AttributePrivileges).toEqual([
      { AttributeId: creditLimit, CanCreate: 0, CanRead: 4, CanUpdate: 0, CanReadUnMasked: 0 },
    ]);
    h.admin.setSecuredColumnRead('limited@contoso.test', 'account', 'creditlimit', false);
    expect((await fn(limited)).AttributePrivileges).toEqual([
      { AttributeId: creditLimit, CanCreate: 0, CanRead: 0, CanUpdate: 0, CanReadUnMasked: 0 },
    ]);
  });

  it('answers 404 for unknown users and functions', async () => {
    await json(
      'systemusers(00000000-0000-0000-0000-000000000001)/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()',
      404,
    );
    await json(
      `systemusers(${h.ctx.identity.userIdByName('sync@contoso.test')})/Microsoft.Dynamics.CRM.RetrieveTeamPrivileges()`,
      404,
    );
  });
});
