/** What the data plane's request handlers share. */
import type { Clock, OrgSettings, Principal, SecurityService } from '../context.js';
import { DvCode } from '../../wire/index.js';
import { DataverseHttpError, badRequest } from '../errors.js';
import { createRowWriter, type RowWriter } from '../odata/serializer.js';
import type { Database } from './database.js';
import type { Mutator } from './mutations.js';
import type { PropertyRef } from './properties.js';
import type { TableStore } from './table-store.js';

export interface PlaneDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly org: OrgSettings;
  readonly security: SecurityService;
  readonly mutator: Mutator;
}

export function writerFor(
  deps: PlaneDeps,
  p: Principal,
  store: TableStore,
  props: PropertyRef[],
  annotations: readonly string[],
): RowWriter {
  return createRowWriter(store, props, {
    annotations,
    unreadable: deps.security.unreadableColumns(p, store.def.logicalName),
    nameOf: (t, id) => deps.db.nameOf(t, id),
  });
}

export function assertTrackingEnabled(store: TableStore): void {
  if (store.def.changeTrackingEnabled) return;
  throw badRequest(
    `Change tracking is not enabled for the entity '${store.def.logicalName}'. Enable ChangeTrackingEnabled on the table to use odata.track-changes or $deltatoken.`,
    DvCode.ChangeTrackingDisabled,
  );
}

/** Dataverse's own content type; with a charset present fastify passes it through untouched. */
export const JSON_HEADERS = {
  'content-type':
    'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8',
} as const;

export function storeFor(deps: PlaneDeps, entitySet: string): TableStore {
  const store = deps.db.storeBySet(entitySet);
  if (!store)
    throw new DataverseHttpError(404, DvCode.QueryValidation, `Resource not found for the segment '${entitySet}'.`);
  return store;
}

/** Columns a write body sets: plain properties and the lookup behind each `<nav>@odata.bind`. */
function columnsOf(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  return Object.keys(body).flatMap((k) =>
    k.endsWith('@odata.bind')
      ? [k.slice(0, -'@odata.bind'.length).replace(/_(account|contact)$/, '')]
      : k.includes('@')
        ? []
        : [k],
  );
}

/** Table privilege, then column security of every column the body sets (Dataverse checks both). */
export function assertCanWriteBody(
  deps: PlaneDeps,
  p: Principal,
  store: TableStore,
  body: unknown,
  op: 'create' | 'write',
): void {
  deps.security.assertCanWrite(p, store.def.logicalName, op);
  deps.security.assertCanWriteColumns(p, store.def.logicalName, columnsOf(body), op);
}
