/** Activities in Marketo's shapes: the type list, activity records and lead-change records. */
import { ActivityType } from '../../domain/index.js';
import type { ActivityRow } from '../../store/records/activity-pages.js';
import type { LeadFields } from './fields.js';

interface TypeInfo {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly primaryAttribute: { name: string; dataType: string };
  /** Stored attribute key → Marketo attribute name. */
  readonly attributes: Readonly<Record<string, { name: string; dataType: string }>>;
}

/** Attributes of type string (all of ours), by stored key → Marketo name. */
const strings = (names: Readonly<Record<string, string>>): TypeInfo['attributes'] =>
  Object.fromEntries(Object.entries(names).map(([key, name]) => [key, { name, dataType: 'string' }]));

export const ACTIVITY_TYPES: readonly TypeInfo[] = [
  {
    id: ActivityType.NewLead,
    name: 'New Lead',
    description: 'New person/record is added to the lead database',
    primaryAttribute: { name: 'Lead ID', dataType: 'integer' },
    attributes: strings({ sourceType: 'Source Type', source: 'Source' }),
  },
  {
    id: ActivityType.ChangeDataValue,
    name: 'Change Data Value',
    description: 'Changed attribute value for a person',
    primaryAttribute: { name: 'Attribute Name', dataType: 'integer' },
    attributes: strings({
      newValue: 'New Value',
      oldValue: 'Old Value',
      reason: 'Reason',
      source: 'Source',
      entity: 'Dynamics Table',
    }),
  },
  {
    id: ActivityType.SyncLeadToMicrosoft,
    name: 'Sync Lead to Microsoft',
    description: 'A person of the lead database is queued for creation in Microsoft Dynamics 365',
    primaryAttribute: { name: 'Lead ID', dataType: 'integer' },
    attributes: strings({ assignTo: 'Assign To', syncAs: 'Sync As' }),
  },
  {
    id: ActivityType.SyncError,
    name: 'Dynamics Sync Error',
    description: 'A record of this person could not be synced from or to Microsoft Dynamics 365 (attribute Direction)',
    primaryAttribute: { name: 'Error Code', dataType: 'string' },
    attributes: strings({
      entity: 'Dynamics Table',
      message: 'Message',
      direction: 'Direction',
      operation: 'Operation',
    }),
  },
];

const TYPE_BY_ID = new Map(ACTIVITY_TYPES.map((t) => [t.id, t]));

export const describeTypes = (): unknown[] =>
  ACTIVITY_TYPES.map((t) => ({
    id: t.id,
    name: t.name,
    description: t.description,
    primaryAttribute: t.primaryAttribute,
    attributes: Object.values(t.attributes),
  }));

const text = (v: unknown): unknown => (v === null || typeof v !== 'object' ? (v ?? null) : JSON.stringify(v));

/** Known attributes under their Marketo names, in the type's order; others are not shown. */
function attributesOf(a: ActivityRow, t: TypeInfo | undefined): { name: string; value: unknown }[] {
  if (!t) return [];
  return Object.entries(t.attributes)
    .filter(([key]) => key in a.attributes)
    .map(([key, info]) => ({ name: info.name, value: text(a.attributes[key]) }));
}

const base = (a: ActivityRow) => ({
  id: a.id,
  marketoGUID: String(a.id),
  leadId: a.personId,
  activityDate: a.occurredAt.toISOString(),
  activityTypeId: a.typeId,
});

export function toActivity(a: ActivityRow, fields: LeadFields): Record<string, unknown> {
  const t = TYPE_BY_ID.get(a.typeId);
  const fieldId =
    a.typeId === ActivityType.ChangeDataValue && a.primaryAttributeValue
      ? fields.get(a.primaryAttributeValue)?.id
      : undefined;
  return {
    ...base(a),
    ...(a.typeId === ActivityType.NewLead || a.typeId === ActivityType.SyncLeadToMicrosoft
      ? { primaryAttributeValueId: a.personId }
      : {}),
    ...(fieldId === undefined ? {} : { primaryAttributeValueId: fieldId }),
    primaryAttributeValue: a.primaryAttributeValue,
    attributes: attributesOf(a, t),
  };
}

/** A lead change: the changed field with old and new value (Change Data Value), or a New Lead. */
export function toLeadChange(a: ActivityRow, fields: LeadFields): Record<string, unknown> {
  const t = TYPE_BY_ID.get(a.typeId);
  const changed =
    a.typeId === ActivityType.ChangeDataValue && a.primaryAttributeValue !== null
      ? [
          {
            id: fields.get(a.primaryAttributeValue)?.id ?? null,
            name: a.primaryAttributeValue,
            newValue: text(a.attributes.newValue),
            oldValue: text(a.attributes.oldValue),
          },
        ]
      : [];
  const attributes = attributesOf(a, t).filter((x) => x.name !== 'New Value' && x.name !== 'Old Value');
  return { ...base(a), fields: changed, attributes };
}
