/** The data plane's Web API handlers: collections, $count, single rows, the service document. */
import { DvCode } from '../../wire/index.js';
import { DataverseHttpError, badRequest } from '../errors.js';
import type { DataHandlers } from '../http/router.js';
import type { EmuRequest, EmuResponse } from '../http/types.js';
import { compileFilter } from '../odata/filter-eval.js';
import { parsePrefer } from '../odata/prefer.js';
import { parseQueryOptions } from '../odata/query-options.js';
import { handleBatch } from './batch.js';
import { countDelta, readDelta } from './delta.js';
import { JSON_HEADERS, assertCanWriteBody, storeFor, type PlaneDeps } from './deps.js';
import { entityResponse, handleEntity } from './entity.js';
import { qualifyLead } from './qualify.js';
import { countMatching, readCollection } from './read.js';
import type { TableStore } from './table-store.js';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A create may carry its own primary key (`"leadid": "<guid>"`), so a resent create cannot make a second row. */
function chosenKey(store: TableStore, body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const raw = (body as Record<string, unknown>)[store.def.primaryIdAttribute];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string' || !GUID.test(raw)) {
    throw badRequest(
      `Cannot convert the literal '${String(raw)}' to the expected type 'Edm.Guid'.`,
      DvCode.QueryValidation,
    );
  }
  return raw.toLowerCase();
}

const methodNotAllowed = (req: EmuRequest) =>
  new DataverseHttpError(
    405,
    DvCode.InvalidArgument,
    `The HTTP method '${req.method}' is not allowed on this resource.`,
  );

export function createHandlers(deps: PlaneDeps): DataHandlers {
  const collection = (req: EmuRequest): EmuResponse => {
    if (req.path.kind !== 'collection') throw methodNotAllowed(req);
    const store = storeFor(deps, req.path.entitySet);
    const table = store.def.logicalName;
    if (req.method === 'POST') {
      assertCanWriteBody(deps, req.principal, store, req.body, 'create');
      const id = deps.mutator.create(req.principal, store, req.body, chosenKey(store, req.body));
      return entityResponse(deps, req, store, store.rowOf(id)!, 201);
    }
    if (req.method !== 'GET') throw methodNotAllowed(req);
    deps.security.assertCanRead(req.principal, table);
    const opts = parseQueryOptions(req.query);
    const prefs = parsePrefer(req.headers['prefer']);
    return opts.deltatoken !== undefined
      ? readDelta(deps, req, store, opts, prefs)
      : readCollection(deps, req, store, opts, prefs);
  };

  const count = (req: EmuRequest): EmuResponse => {
    if (req.path.kind !== 'count' || req.method !== 'GET') throw methodNotAllowed(req);
    const store = storeFor(deps, req.path.entitySet);
    deps.security.assertCanRead(req.principal, store.def.logicalName);
    const opts = parseQueryOptions(req.query);
    const n =
      opts.deltatoken !== undefined
        ? countDelta(deps, store, opts.deltatoken)
        : countMatching(store, opts.filter ? compileFilter(store, opts.filter) : undefined);
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: String(n) };
  };

  const serviceDocument = (req: EmuRequest): EmuResponse => {
    const value = [...deps.db.allStores()].map((s) => ({
      name: s.def.entitySetName,
      kind: 'EntitySet',
      url: s.def.entitySetName,
    }));
    return {
      status: 200,
      headers: { ...JSON_HEADERS },
      body: JSON.stringify({ '@odata.context': `${req.baseUrl}$metadata`, value }),
    };
  };

  return {
    serviceDocument,
    collection,
    count,
    entity: (req) => handleEntity(deps, req),
    boundAction: (req) =>
      req.path.kind === 'boundFunction' && req.path.entitySet === 'leads' && req.path.name === 'QualifyLead'
        ? qualifyLead(deps, req)
        : undefined,
    batch: (req, dispatch) => handleBatch(req, dispatch, deps.mutator.atomic),
  };
}
