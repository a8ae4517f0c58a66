/**
 * The Web API of the plug-in registration tables: `serviceendpoints` and
 * `sdkmessageprocessingsteps` (GET, POST, PATCH, DELETE), `sdkmessages` and `sdkmessagefilters`
 * (GET), `asyncoperations` (GET: the system jobs deliveries left). Registering a step is a
 * customization: a user without the table privileges gets Dataverse's PrivilegeDenied 403.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../context.js';
import { DataverseHttpError, badRequest, forbidden, notFound } from '../errors.js';
import type { EmuRequest, EmuResponse } from '../http/types.js';
import { FilterSyntaxError } from '../odata/filter-lexer.js';
import { parsePrefer } from '../odata/prefer.js';
import { privilegeId, privilegeName, type TableOp } from '../security/privileges.js';
import { DvCode } from '../../wire/index.js';
import { asBody, parseEndpoint, parseSettings, parseStep } from './input.js';
import { queryRows, selectColumns } from './query.js';
import {
  AuthType,
  CONTRACT_WEBHOOK,
  MESSAGE_FORMAT_JSON,
  endpointRow,
  filterRows,
  messageId,
  messageRows,
  resolveFilter,
  type ServiceEndpoint,
  type Step,
} from './records.js';
import type { WebhookService } from './service.js';

/** Entity set → table logical name, schema name and object type code (for privilege messages). */
const SETS: Record<string, { table: string; schema: string; otc: number }> = {
  serviceendpoints: { table: 'serviceendpoint', schema: 'ServiceEndpoint', otc: 4618 },
  sdkmessageprocessingsteps: { table: 'sdkmessageprocessingstep', schema: 'SdkMessageProcessingStep', otc: 4608 },
  sdkmessages: { table: 'sdkmessage', schema: 'SdkMessage', otc: 4606 },
  sdkmessagefilters: { table: 'sdkmessagefilter', schema: 'SdkMessageFilter', otc: 4607 },
  asyncoperations: { table: 'asyncoperation', schema: 'AsyncOperation', otc: 4700 },
};

export const WEBHOOK_ENTITY_SETS: ReadonlySet<string> = new Set(Object.keys(SETS));

export type Can = (p: Principal, table: string, op: TableOp) => boolean;

export function createWebhookHandler(service: WebhookService, can: Can, now: () => number) {
  const assert = (p: Principal, set: string, op: TableOp): void => {
    const t = SETS[set]!;
    if (can(p, t.table, op)) return;
    const name = privilegeName(op, { schemaName: t.schema });
    throw forbidden(
      `Principal user (Id=${p.userId}, type=8, roleCount=1, accessMode=0), is missing ${name} privilege ` +
        `(Id=${privilegeId(name)}) on OTC=${t.otc} for entity '${t.table}'. context.Caller=${p.userId}`,
    );
  };

  const rowsOf = (set: string): Record<string, unknown>[] => {
    switch (set) {
      case 'serviceendpoints':
        return [...service.endpoints.values()].map(endpointRow);
      case 'sdkmessageprocessingsteps':
        return [...service.steps.values()].map((s) => ({ ...s }));
      case 'sdkmessages':
        return messageRows();
      case 'sdkmessagefilters':
        return filterRows(service.tables());
      default:
        return service.queue.operations.map((o) => ({ ...o }));
    }
  };

  const idColumn = (set: string) => `${SETS[set]!.table}id`;
  const stamp = () => new Date(now()).toISOString();

  const created = (req: EmuRequest, set: string, row: Record<string, unknown>): EmuResponse => {
    const entityId = `${req.baseUrl}${set}(${String(row[idColumn(set)])})`;
    if (!parsePrefer(req.headers['prefer']).returnRepresentation)
      return { status: 204, headers: { 'odata-entityid': entityId } };
    return {
      status: 201,
      headers: { 'odata-entityid': entityId, 'preference-applied': 'return=representation' },
      body: { '@odata.context': `${req.baseUrl}$metadata#${set}/$entity`, ...row },
    };
  };

  const createEndpoint = (req: EmuRequest): EmuResponse => {
    const input = parseEndpoint(asBody(req.body), 'create');
    checkAuthValue(input.authtype!, input.authvalue!);
    const e: ServiceEndpoint = {
      serviceendpointid: randomUUID(),
      name: input.name!,
      description: input.description ?? null,
      contract: CONTRACT_WEBHOOK,
      url: input.url!,
      authtype: input.authtype!,
      authvalue: input.authvalue!,
      messageformat: MESSAGE_FORMAT_JSON,
      createdon: stamp(),
      modifiedon: stamp(),
    };
    service.endpoints.set(e.serviceendpointid, e);
    return created(req, 'serviceendpoints', endpointRow(e));
  };

  const createStep = (req: EmuRequest): EmuResponse => {
    const input = parseStep(asBody(req.body));
    const filter = resolveFilter(input.filterId, service.tables());
    if (!filter) throw notFound(`sdkmessagefilter With Id = ${input.filterId} Does Not Exist`);
    if (!service.endpoints.has(input.endpointId))
      throw notFound(`serviceendpoint With Id = ${input.endpointId} Does Not Exist`);
    if (input.messageId !== messageId(filter.message))
      throw badRequest('The sdkmessagefilter does not belong to the step’s sdkmessage.');
    const s: Step = {
      sdkmessageprocessingstepid: randomUUID(),
      name: input.name,
      description: input.description,
      _sdkmessageid_value: input.messageId,
      _sdkmessagefilterid_value: input.filterId,
      _eventhandler_value: input.endpointId,
      stage: input.stage,
      mode: input.mode,
      rank: input.rank,
      filteringattributes: filter.message === 'Update' ? input.filteringattributes : null,
      asyncautodelete: input.asyncautodelete,
      supporteddeployment: 0,
      statecode: 0,
      statuscode: 1,
      createdon: stamp(),
      modifiedon: stamp(),
    };
    service.steps.set(s.sdkmessageprocessingstepid, s);
    return created(req, 'sdkmessageprocessingsteps', { ...s });
  };

  const updateEndpoint = (req: EmuRequest, id: string): EmuResponse => {
    const e = service.endpoints.get(id);
    if (!e) throw notFound(`serviceendpoint With Id = ${id} Does Not Exist`);
    const input = parseEndpoint(asBody(req.body), 'update');
    const next: ServiceEndpoint = { ...e, ...defined(input), modifiedon: stamp() };
    checkAuthValue(next.authtype, next.authvalue ?? '');
    service.endpoints.set(id, next);
    return { status: 204 };
  };

  const remove = (set: string, id: string): EmuResponse => {
    if (set === 'serviceendpoints') {
      if (!service.endpoints.delete(id)) throw notFound(`serviceendpoint With Id = ${id} Does Not Exist`);
      // The endpoint's steps go with it (the Plug-in Registration Tool unregisters both).
      for (const [sid, s] of service.steps) if (s._eventhandler_value === id) service.steps.delete(sid);
    } else if (!service.steps.delete(id)) throw notFound(`sdkmessageprocessingstep With Id = ${id} Does Not Exist`);
    return { status: 204 };
  };

  return (req: EmuRequest): EmuResponse => {
    const p = req.path;
    if (p.kind !== 'collection' && p.kind !== 'entity') throw badRequest('Unsupported request.');
    const set = p.entitySet;
    const writable = set === 'serviceendpoints' || set === 'sdkmessageprocessingsteps';
    try {
      if (req.method === 'GET') {
        assert(req.principal, set, 'read');
        const context = `${req.baseUrl}$metadata#${set}`;
        if (p.kind === 'collection')
          return { status: 200, body: { '@odata.context': context, value: queryRows(rowsOf(set), req.query) } };
        const row = rowsOf(set).find((r) => r[idColumn(set)] === p.id);
        if (!row) throw notFound(`${SETS[set]!.table} With Id = ${p.id} Does Not Exist`);
        return {
          status: 200,
          body: { '@odata.context': `${context}/$entity`, ...selectColumns(row, req.query.get('$select')) },
        };
      }
      if (!writable)
        throw new DataverseHttpError(405, DvCode.InvalidArgument, `The method ${req.method} is not allowed on ${set}.`);
      if (req.method === 'POST' && p.kind === 'collection') {
        assert(req.principal, set, 'create');
        return set === 'serviceendpoints' ? createEndpoint(req) : createStep(req);
      }
      if (req.method === 'PATCH' && p.kind === 'entity' && set === 'serviceendpoints') {
        assert(req.principal, set, 'write');
        return updateEndpoint(req, p.id);
      }
      if (req.method === 'DELETE' && p.kind === 'entity') {
        assert(req.principal, set, 'delete');
        return remove(set, p.id);
      }
      throw new DataverseHttpError(405, DvCode.InvalidArgument, `The method ${req.method} is not allowed here.`);
    } catch (err) {
      if (err instanceof FilterSyntaxError) throw badRequest(err.message, DvCode.QueryValidation);
      throw err;
    }
  };
}

function checkAuthValue(authtype: number, authvalue: string): void {
  if (authtype === AuthType.WebhookKey) {
    if (!authvalue) throw badRequest('A WebhookKey webhook needs its key as authvalue.');
    return;
  }
  parseSettings(authvalue);
}

const defined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
