/**
 * `EntityDefinitions`, `EntityDefinitions(LogicalName='x')|(<MetadataId>)`, `.../Attributes`,
 * `.../Attributes(LogicalName='x')`, and casts `.../Attributes/Microsoft.Dynamics.CRM.<Type>`.
 * Metadata is unpaged; `MetadataId` is always returned.
 */
import { DvCode } from '../../wire/index.js';
import type { SchemaRegistry } from '../context.js';
import { DataverseHttpError, badRequest, notFound } from '../errors.js';
import type { EmuRequest, EmuResponse } from '../http/types.js';
import type { ColumnDef, TableDef } from '../schema/types.js';
import { castHasOptionSet, castMembers, optionSet, selectableProperties, serializeAttribute } from './attributes.js';
import { label } from './labels.js';
import { applySelect, parseFilter, parseSelect } from './query.js';
import { manyToOneRelationships } from './relationships.js';

type Obj = Record<string, unknown>;
const NS = 'Microsoft.Dynamics.CRM.';
const ENTITY_PROPERTIES = new Set([
  'MetadataId',
  'LogicalName',
  'SchemaName',
  'EntitySetName',
  'LogicalCollectionName',
  'CollectionSchemaName',
  'PrimaryIdAttribute',
  'PrimaryNameAttribute',
  'ObjectTypeCode',
  'OwnershipType',
  'ChangeTrackingEnabled',
  'IsCustomEntity',
  'IsActivity',
  'IsIntersect',
  'DisplayName',
  'DisplayCollectionName',
  'Description',
]);
const KEY = /^(\w+)\((?:LogicalName='([^']*)'|([0-9a-fA-F-]{36}))\)$/;

export function entityDefinitions(schema: SchemaRegistry, req: EmuRequest): EmuResponse {
  if (req.method !== 'GET')
    throw new DataverseHttpError(405, DvCode.InvalidArgument, 'Only GET is emulated for EntityDefinitions.');
  if (req.path.kind !== 'entityDefinitions') throw notFound('Not an EntityDefinitions path.');
  const [first, second, third, ...rest] = req.path.segments;
  if (rest.length > 0) throw unknownSegment(rest[0]!);
  const ctx = `${req.baseUrl}$metadata#EntityDefinitions`;

  if (first === 'EntityDefinitions') {
    if (second !== undefined) throw unknownSegment(second);
    return ok({ '@odata.context': ctx, value: entityList(schema.tables(), req.query) });
  }
  const table = resolveTable(schema, first!);
  const tableCtx = `${ctx}(${table.metadataId})`;
  if (second === undefined) return ok({ '@odata.context': `${ctx}/$entity`, ...entityObject(table, req.query) });

  if (second === 'ManyToOneRelationships') {
    if (third !== undefined) throw unknownSegment(third);
    const value = manyToOneRelationships(table, req.query, (t) => schema.table(t)?.primaryIdAttribute ?? `${t}id`);
    return ok({ '@odata.context': `${tableCtx}/ManyToOneRelationships`, value });
  }
  const attr = /^Attributes(?:\(|$)/.test(second) ? second : undefined;
  if (!attr) throw unknownSegment(second);
  const cast = third === undefined ? undefined : castName(third);
  if (attr === 'Attributes') {
    const value = attributeList(table, req.query, cast);
    return ok({ '@odata.context': `${tableCtx}/Attributes${cast ? `/${NS}${cast}` : ''}`, value });
  }
  const column = resolveColumn(table, attr);
  if (cast && !castMembers(cast)!(column)) {
    throw notFound(`The attribute '${column.logicalName}' is not of type '${NS}${cast}'.`);
  }
  return ok({ '@odata.context': `${tableCtx}/Attributes/$entity`, ...attributeObject(table, column, req.query, cast) });
}

const ok = (body: Obj): EmuResponse => ({ status: 200, body });
const unknownSegment = (seg: string): DataverseHttpError =>
  notFound(`Resource not found for the segment '${seg}'.`, DvCode.QueryValidation);

function castName(segment: string): string {
  const name = segment.startsWith(NS) ? segment.slice(NS.length) : '';
  if (!name || !castMembers(name)) throw unknownSegment(segment);
  return name;
}

function resolveTable(schema: SchemaRegistry, segment: string): TableDef {
  const m = KEY.exec(segment);
  if (!m || m[1] !== 'EntityDefinitions') throw unknownSegment(segment);
  const table =
    m[2] !== undefined ? schema.table(m[2]) : schema.tables().find((t) => t.metadataId === m[3]!.toLowerCase());
  if (!table) throw notFound(`Could not find entity with ${m[2] !== undefined ? `name '${m[2]}'` : `id '${m[3]}'`}.`);
  return table;
}

function resolveColumn(table: TableDef, segment: string): ColumnDef {
  const m = KEY.exec(segment);
  if (!m || m[1] !== 'Attributes') throw unknownSegment(segment);
  const column =
    m[2] !== undefined
      ? table.columns.get(m[2])
      : [...table.columns.values()].find((c) => c.metadataId === m[3]!.toLowerCase());
  if (!column)
    throw notFound(
      `Could not find attribute '${m[2] ?? m[3]}' on entity '${table.logicalName}'.`,
      DvCode.AttributeNotFound,
    );
  return column;
}

function serializeEntity(t: TableDef): Obj {
  return {
    MetadataId: t.metadataId,
    LogicalName: t.logicalName,
    SchemaName: t.schemaName,
    EntitySetName: t.entitySetName,
    LogicalCollectionName: t.entitySetName,
    CollectionSchemaName: `${t.schemaName}s`,
    PrimaryIdAttribute: t.primaryIdAttribute,
    PrimaryNameAttribute: t.primaryNameAttribute,
    ObjectTypeCode: t.objectTypeCode,
    OwnershipType: t.ownership,
    ChangeTrackingEnabled: t.changeTrackingEnabled,
    IsCustomEntity: t.isCustom === true,
    IsActivity: false,
    IsIntersect: false,
    DisplayName: label(t.displayName, `${t.logicalName}.display`),
    DisplayCollectionName: label(t.displayCollectionName, `${t.logicalName}.collection`),
    Description: label(undefined, ''),
  };
}

function entityList(tables: readonly TableDef[], q: URLSearchParams): Obj[] {
  const type = `${NS}EntityMetadata`;
  const select = parseSelect(q.get('$select'), ENTITY_PROPERTIES, type);
  const keep = parseFilter(q.get('$filter'), ENTITY_PROPERTIES, type);
  const expand = attributesExpand(q.get('$expand'));
  return tables
    .map((t) => ({ t, o: serializeEntity(t) }))
    .filter(({ o }) => keep(o))
    .map(({ t, o }) => withAttributes(applySelect(o, select), expand, t));
}

function entityObject(t: TableDef, q: URLSearchParams): Obj {
  const select = parseSelect(q.get('$select'), ENTITY_PROPERTIES, `${NS}EntityMetadata`);
  return withAttributes(applySelect(serializeEntity(t), select), attributesExpand(q.get('$expand')), t);
}

/** `$expand=Attributes` or `$expand=Attributes($select=...;$filter=...)` on entity definitions. */
function attributesExpand(raw: string | null): URLSearchParams | undefined {
  if (raw === null || raw === '') return undefined;
  const m = /^Attributes(?:\((.*)\))?$/.exec(raw.trim());
  if (!m)
    throw badRequest(
      `Could not find a navigation property named '${raw}' on type '${NS}EntityMetadata'.`,
      DvCode.QueryValidation,
    );
  return new URLSearchParams((m[1] ?? '').split(';').join('&'));
}

const withAttributes = (o: Obj, expand: URLSearchParams | undefined, t: TableDef): Obj =>
  expand ? { ...o, Attributes: attributeList(t, expand, undefined) } : o;

function attributeList(table: TableDef, q: URLSearchParams, cast: string | undefined): Obj[] {
  const members = cast ? castMembers(cast)! : () => true;
  const known = selectableProperties(cast);
  const type = `${NS}${cast ?? 'AttributeMetadata'}`;
  const select = parseSelect(q.get('$select'), known, type);
  const keep = parseFilter(q.get('$filter'), known, type);
  const expand = optionSetExpand(q.get('$expand'), cast);
  return [...table.columns.values()]
    .map((c, i) => ({ c, o: serializeAttribute(table, c, i + 1) }))
    .filter(({ c, o }) => members(c) && keep(o))
    .map(({ c, o }) => withOptionSet(applySelect(o, select), expand, table, c));
}

function attributeObject(table: TableDef, c: ColumnDef, q: URLSearchParams, cast: string | undefined): Obj {
  const index = [...table.columns.keys()].indexOf(c.logicalName);
  const select = parseSelect(q.get('$select'), selectableProperties(cast), `${NS}${cast ?? 'AttributeMetadata'}`);
  return withOptionSet(
    applySelect(serializeAttribute(table, c, index + 1), select),
    optionSetExpand(q.get('$expand'), cast),
    table,
    c,
  );
}

/** `OptionSet`/`GlobalOptionSet` are navigation properties of the option-set types only. */
function optionSetExpand(raw: string | null, cast: string | undefined): Set<string> {
  if (raw === null || raw === '') return new Set();
  const names = raw.split(',').map((s) => s.trim().replace(/\(.*\)$/, ''));
  for (const n of names) {
    if (!castHasOptionSet(cast) || (n !== 'OptionSet' && n !== 'GlobalOptionSet')) {
      throw badRequest(
        `Could not find a property named '${n}' on type '${NS}${cast ?? 'AttributeMetadata'}'.`,
        DvCode.QueryValidation,
      );
    }
  }
  return new Set(names);
}

function withOptionSet(o: Obj, expand: Set<string>, table: TableDef, c: ColumnDef): Obj {
  if (expand.has('OptionSet')) o.OptionSet = optionSet(table, c);
  // Emulated option sets are all local to their column.
  if (expand.has('GlobalOptionSet')) o.GlobalOptionSet = null;
  return o;
}
