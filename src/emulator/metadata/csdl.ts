/**
 * `$metadata`: the CSDL document (namespace Microsoft.Dynamics.CRM, alias mscrm, container System).
 * One EntityType per table with its key, properties (lookups as `_x_value` Edm.Guid) and navigation
 * properties; one EntitySet per table. `?annotations=true` marks change-tracked sets.
 */
import type { ColumnDef, ColumnType, TableDef } from '../schema/types.js';
import { wireName } from '../schema/types.js';

const EDM: Record<ColumnType, string> = {
  String: 'Edm.String',
  Memo: 'Edm.String',
  EntityName: 'Edm.String',
  Integer: 'Edm.Int32',
  BigInt: 'Edm.Int64',
  Money: 'Edm.Decimal',
  Decimal: 'Edm.Decimal',
  Double: 'Edm.Double',
  Boolean: 'Edm.Boolean',
  DateTime: 'Edm.DateTimeOffset',
  Picklist: 'Edm.Int32',
  State: 'Edm.Int32',
  Status: 'Edm.Int32',
  Lookup: 'Edm.Guid',
  Customer: 'Edm.Guid',
  Owner: 'Edm.Guid',
  Uniqueidentifier: 'Edm.Guid',
};

export const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const attr = (name: string, value: string): string => ` ${name}="${xmlEscape(value)}"`;

export function renderCsdl(tables: readonly TableDef[], annotations: boolean): string {
  const byName = new Map(tables.map((t) => [t.logicalName, t]));
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    '<edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Capabilities.V1.xml">',
    '<edmx:Include Namespace="Org.OData.Capabilities.V1" Alias="Capabilities"/>',
    '</edmx:Reference>',
    '<edmx:DataServices>',
    '<Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">',
    '<EntityType Name="crmbaseentity" Abstract="true"/>',
    '<EntityType Name="principal" BaseType="mscrm.crmbaseentity" Abstract="true"><Key><PropertyRef Name="ownerid"/></Key><Property Name="ownerid" Type="Edm.Guid"/></EntityType>',
    ...tables.flatMap((t) => entityType(t, byName)),
    '<ComplexType Name="WhoAmIResponse">',
    ...['BusinessUnitId', 'UserId', 'OrganizationId'].map(
      (p) => `<Property${attr('Name', p)} Type="Edm.Guid" Nullable="false"/>`,
    ),
    '</ComplexType>',
    '<Function Name="WhoAmI"><ReturnType Type="mscrm.WhoAmIResponse" Nullable="false"/></Function>',
    '<EntityContainer Name="System">',
    ...tables.map((t) => entitySet(t, annotations)),
    '<FunctionImport Name="WhoAmI" Function="mscrm.WhoAmI"/>',
    '</EntityContainer>',
    '</Schema>',
    '</edmx:DataServices>',
    '</edmx:Edmx>',
  ];
  return lines.join('\n');
}

function entityType(t: TableDef, tables: ReadonlyMap<string, TableDef>): string[] {
  const cols = [...t.columns.values()];
  return [
    `<EntityType${attr('Name', t.logicalName)} BaseType="mscrm.crmbaseentity">`,
    `<Key><PropertyRef${attr('Name', t.primaryIdAttribute)}/></Key>`,
    ...cols.map(property),
    ...cols.flatMap((c) => navigation(t, c, tables)),
    '</EntityType>',
  ];
}

function property(c: ColumnDef): string {
  const type = c.type === 'DateTime' && c.dateOnly ? 'Edm.Date' : EDM[c.type];
  const extra = type === 'Edm.String' ? ' Unicode="false"' : c.type === 'Money' ? ' Scale="Variable"' : '';
  return `<Property${attr('Name', wireName(c))}${attr('Type', type)}${extra}/>`;
}

/** Lookup → one navigation property; polymorphic Customer → one per target; Owner → principal. */
function navigation(t: TableDef, c: ColumnDef, tables: ReadonlyMap<string, TableDef>): string[] {
  if (c.type === 'Owner') {
    return [
      `<NavigationProperty${attr('Name', c.logicalName)} Type="mscrm.principal"><ReferentialConstraint${attr('Property', wireName(c))} ReferencedProperty="ownerid"/></NavigationProperty>`,
    ];
  }
  if (c.type !== 'Lookup' && c.type !== 'Customer') return [];
  const targets = (c.targets ?? []).flatMap((x) => tables.get(x) ?? []);
  return targets.map(({ logicalName: target, primaryIdAttribute }) => {
    const name = c.type === 'Customer' || targets.length > 1 ? `${c.logicalName}_${target}` : c.logicalName;
    const partner = `${c.logicalName}_${t.logicalName}`;
    return (
      `<NavigationProperty${attr('Name', name)}${attr('Type', `mscrm.${target}`)}${attr('Partner', partner)}>` +
      `<ReferentialConstraint${attr('Property', wireName(c))}${attr('ReferencedProperty', primaryIdAttribute)}/></NavigationProperty>`
    );
  });
}

function entitySet(t: TableDef, annotations: boolean): string {
  const open = `<EntitySet${attr('Name', t.entitySetName)}${attr('EntityType', `Microsoft.Dynamics.CRM.${t.logicalName}`)}`;
  if (!annotations || !t.changeTrackingEnabled) return `${open}/>`;
  return (
    `${open}><Annotation Term="Org.OData.Capabilities.V1.ChangeTracking"><Record>` +
    '<PropertyValue Property="Supported" Bool="true"/></Record></Annotation></EntitySet>'
  );
}
