/**
 * Single-row requests: GET `<set>(<id>)` (and one property), PATCH as Dataverse's upsert (If-Match: *
 * makes it update-only, If-None-Match: * create-only, a W/"n" etag is optimistic concurrency),
 * DELETE.
 */
import { DvCode } from '../../wire/index.js';
import { DataverseHttpError, notFound } from '../errors.js';
import type { EmuRequest, EmuResponse } from '../http/types.js';
import { parsePrefer } from '../odata/prefer.js';
import { parseQueryOptions } from '../odata/query-options.js';
import { JSON_HEADERS, assertCanWriteBody, storeFor, writerFor, type PlaneDeps } from './deps.js';
import { resolveProperty } from './properties.js';
import { resolveSelection } from './selection.js';
import type { TableStore } from './table-store.js';

const missing = (store: TableStore, id: string) => notFound(`${store.def.logicalName} With Id = ${id} Does Not Exist`);

function etagOf(store: TableStore, row: number): string {
  return `W/"${store.version(row)}"`;
}

function checkIfMatch(req: EmuRequest, store: TableStore, row: number | undefined, id: string): void {
  const ifMatch = req.headers['if-match'];
  if (ifMatch === undefined) return;
  if (row === undefined) throw missing(store, id);
  if (ifMatch !== '*' && ifMatch !== etagOf(store, row)) {
    throw new DataverseHttpError(
      412,
      DvCode.ConcurrencyVersionMismatch,
      "The version of the existing record doesn't match the RowVersion property provided.",
    );
  }
}

export function entityResponse(
  deps: PlaneDeps,
  req: EmuRequest,
  store: TableStore,
  row: number,
  createdStatus: 201 | 200 | 204,
): EmuResponse {
  const id = store.ids[row]!;
  const entityId = `${req.baseUrl}${store.def.entitySetName}(${id})`;
  const prefs = parsePrefer(req.headers['prefer']);
  if (!prefs.returnRepresentation) return { status: 204, headers: { 'odata-entityid': entityId } };
  const body = representation(deps, req, store, row);
  const status = createdStatus === 204 ? 200 : createdStatus;
  return {
    status,
    headers: { ...JSON_HEADERS, 'odata-entityid': entityId, 'preference-applied': 'return=representation' },
    body,
  };
}

function representation(deps: PlaneDeps, req: EmuRequest, store: TableStore, row: number): string {
  const opts = parseQueryOptions(req.query);
  const prefs = parsePrefer(req.headers['prefer']);
  const sel = resolveSelection(store, opts.select);
  const json = writerFor(deps, req.principal, store, sel.props, prefs.annotations)(row);
  return `{"@odata.context":${JSON.stringify(`${req.baseUrl}$metadata#${sel.contextPath}/$entity`)},${json.slice(1)}`;
}

export function handleEntity(deps: PlaneDeps, req: EmuRequest): EmuResponse {
  if (req.path.kind !== 'entity') throw new DataverseHttpError(405, DvCode.InvalidArgument, 'Not an entity path.');
  const { entitySet, id, property } = req.path;
  const store = storeFor(deps, entitySet);
  const table = store.def.logicalName;
  const row = store.rowOf(id);
  switch (req.method) {
    case 'GET': {
      deps.security.assertCanRead(req.principal, table);
      if (row === undefined) throw missing(store, id);
      if (property !== undefined) return propertyValue(deps, req, store, row, property);
      if (req.headers['if-none-match'] === etagOf(store, row)) return { status: 304 };
      return {
        status: 200,
        headers: { ...JSON_HEADERS, etag: etagOf(store, row) },
        body: representation(deps, req, store, row),
      };
    }
    case 'PATCH': {
      if (property !== undefined) break;
      checkIfMatch(req, store, row, id);
      if (row !== undefined && req.headers['if-none-match'] === '*') {
        throw new DataverseHttpError(412, DvCode.DuplicateRecord, 'A record with matching key values already exists.');
      }
      if (row === undefined) {
        assertCanWriteBody(deps, req.principal, store, req.body, 'create');
        deps.mutator.create(req.principal, store, req.body, id);
      } else {
        assertCanWriteBody(deps, req.principal, store, req.body, 'write');
        deps.mutator.update(req.principal, store, row, req.body);
      }
      return entityResponse(deps, req, store, store.rowOf(id)!, 204);
    }
    case 'PUT': {
      // PUT <set>(<id>)/<column> {"value": ...}: a single-column update.
      if (property === undefined) break;
      const value =
        typeof req.body === 'object' && req.body !== null ? (req.body as { value?: unknown }).value : undefined;
      const body = { [property]: value ?? null };
      assertCanWriteBody(deps, req.principal, store, body, 'write');
      if (row === undefined) throw missing(store, id);
      checkIfMatch(req, store, row, id);
      deps.mutator.update(req.principal, store, row, body);
      return { status: 204 };
    }
    case 'DELETE': {
      if (property !== undefined) break;
      deps.security.assertCanWrite(req.principal, table, 'delete');
      if (row === undefined) throw missing(store, id);
      checkIfMatch(req, store, row, id);
      deps.mutator.remove(req.principal, store, row);
      return { status: 204 };
    }
    default:
      break;
  }
  throw new DataverseHttpError(
    405,
    DvCode.InvalidArgument,
    `The HTTP method '${req.method}' is not supported on this resource by the emulator.`,
  );
}

function propertyValue(
  deps: PlaneDeps,
  req: EmuRequest,
  store: TableStore,
  row: number,
  property: string,
): EmuResponse {
  const p = resolveProperty(store, property);
  const unreadable = p.def
    ? deps.security.unreadableColumns(req.principal, store.def.logicalName).has(p.def.logicalName)
    : false;
  const full = writerFor(deps, req.principal, store, [p], [])(row);
  const parsed = JSON.parse(full) as Record<string, unknown>;
  const value = unreadable ? null : (parsed[p.wire] ?? null);
  const context = `${req.baseUrl}$metadata#${store.def.entitySetName}(${store.ids[row]})/${property}`;
  return { status: 200, headers: { ...JSON_HEADERS }, body: JSON.stringify({ '@odata.context': context, value }) };
}
