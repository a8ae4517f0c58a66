/**
 * The `RemoteExecutionContext` a webhook receives, serialized as Dataverse's .NET data-contract
 * JSON serializer writes it: dates as `\/Date(ms)\/`, typed values with `__type`, every `/`
 * escaped as `\/`, collections as key/value lists. Above 256 KB the bulky parts are dropped and the
 * delivery says so with `x-ms-dynamics-msg-size-exceeded`.
 */
import { randomUUID } from 'node:crypto';
import type { OrgSettings } from '../context.js';
import type { EventAttribute, WriteEvent } from '../data/write-events.js';
import type { Step } from './records.js';

const CONTRACTS = 'http://schemas.microsoft.com/xrm/2011/Contracts';
export const MAX_MESSAGE_BYTES = 256 * 1024;

export interface BuiltContext {
  readonly body: string;
  readonly correlationId: string;
  readonly sizeExceeded: boolean;
}

const date = (ms: number): string => `/Date(${Math.round(ms)})/`;

const reference = (logicalName: string, id: string, name: string | null = null) => ({
  __type: `EntityReference:${CONTRACTS}`,
  Id: id,
  KeyAttributes: [],
  LogicalName: logicalName,
  Name: name,
  RowVersion: null,
});

function attributeValue(a: EventAttribute): unknown {
  if (a.value === null || a.value === undefined) return null;
  switch (a.type) {
    case 'DateTime':
      return typeof a.value === 'number' ? date(a.value) : a.value;
    case 'Picklist':
    case 'State':
    case 'Status':
      return { __type: `OptionSetValue:${CONTRACTS}`, Value: a.value };
    case 'Money':
      return { __type: `Money:${CONTRACTS}`, Value: a.value };
    case 'Lookup':
    case 'Customer':
    case 'Owner':
      return reference(a.target ?? '', String(a.value));
    default:
      return a.value;
  }
}

function target(e: WriteEvent): unknown {
  if (e.message === 'Delete') return reference(e.table, e.id);
  return {
    __type: `Entity:${CONTRACTS}`,
    Attributes: e.attributes.map((a) => ({ key: a.name, value: attributeValue(a) })),
    EntityState: null,
    FormattedValues: [],
    Id: e.id,
    KeyAttributes: [],
    LogicalName: e.table,
    RelatedEntities: [],
    RowVersion: null,
  };
}

export function buildContext(e: WriteEvent, step: Step, org: OrgSettings): BuiltContext {
  const correlationId = randomUUID();
  const context: Record<string, unknown> = {
    BusinessUnitId: org.businessUnitId,
    CorrelationId: correlationId,
    Depth: 1,
    InitiatingUserId: e.userId,
    InputParameters: [{ key: 'Target', value: target(e) }],
    IsExecutingOffline: false,
    IsInTransaction: false,
    IsOfflinePlayback: false,
    IsolationMode: 1,
    MessageName: e.message,
    Mode: step.mode,
    OperationCreatedOn: date(e.at),
    OperationId: randomUUID(),
    OrganizationId: org.organizationId,
    OrganizationName: org.name,
    OutputParameters: e.message === 'Create' ? [{ key: 'id', value: e.id }] : [],
    OwningExtension: reference('sdkmessageprocessingstep', step.sdkmessageprocessingstepid, step.name),
    ParentContext: null,
    PostEntityImages: [],
    PreEntityImages: [],
    PrimaryEntityId: e.id,
    PrimaryEntityName: e.table,
    RequestId: randomUUID(),
    SecondaryEntityName: 'none',
    SharedVariables: [],
    Stage: step.stage,
    UserId: e.userId,
  };
  let body = serialize(context);
  const sizeExceeded = Buffer.byteLength(body) > MAX_MESSAGE_BYTES;
  if (sizeExceeded) {
    for (const key of ['ParentContext', 'InputParameters', 'PreEntityImages', 'PostEntityImages']) delete context[key];
    body = serialize(context);
  }
  return { body, correlationId, sizeExceeded };
}

/** JSON as the data-contract serializer writes it: `/` escaped (so `\/Date(…)\/`). */
const serialize = (value: unknown): string => JSON.stringify(value).replace(/\//g, '\\/');
