/** Dispatches a parsed Web API request to the data plane or the control plane. */
import type { EmulatorContext } from '../context.js';
import { DataverseHttpError } from '../errors.js';
import { DvCode } from '../../wire/index.js';
import type { EmuRequest, EmuResponse } from './types.js';

/** Implemented by the data plane (data/ and odata/). */
export interface DataHandlers {
  serviceDocument(req: EmuRequest): EmuResponse;
  /** GET a collection (query, paging, change tracking) or POST a new row. */
  collection(req: EmuRequest): EmuResponse | Promise<EmuResponse>;
  /** GET `<set>/$count`, with or without `$deltatoken`. */
  count(req: EmuRequest): EmuResponse;
  /** GET, PATCH or DELETE one row. */
  entity(req: EmuRequest): EmuResponse | Promise<EmuResponse>;
  /** Actions bound to a row that change data, e.g. `leads(<id>)/Microsoft.Dynamics.CRM.QualifyLead`. */
  boundAction(req: EmuRequest): Promise<EmuResponse> | undefined;
  /** POST $batch (multipart/mixed); inner requests go back through `dispatch`. */
  batch(req: EmuRequest, dispatch: (inner: EmuRequest) => Promise<EmuResponse>): Promise<EmuResponse>;
}

/** Entity sets served outside the data plane (the webhook registration tables). */
export interface ExtraEntitySets {
  readonly sets: ReadonlySet<string>;
  handle(req: EmuRequest): EmuResponse | Promise<EmuResponse>;
}

export function createDispatcher(ctx: EmulatorContext, data: DataHandlers, extra?: ExtraEntitySets) {
  const dispatch = async (req: EmuRequest): Promise<EmuResponse> => {
    const p = req.path;
    if (extra && (p.kind === 'collection' || p.kind === 'entity') && extra.sets.has(p.entitySet))
      return extra.handle(req);
    switch (p.kind) {
      case 'serviceDocument':
        return data.serviceDocument(req);
      case 'metadata':
        return ctx.control.metadata(req);
      case 'batch':
        return data.batch(req, dispatch);
      case 'entityDefinitions':
        return ctx.control.entityDefinitions(req);
      case 'function':
        if (p.name === 'WhoAmI') return ctx.control.whoAmI(req);
        if (p.name === 'RetrieveTotalRecordCount') return ctx.control.totalRecordCount(req);
        break;
      case 'boundFunction':
        return data.boundAction(req) ?? ctx.control.boundFunction(req);
      case 'collection':
        return data.collection(req);
      case 'count':
        return data.count(req);
      case 'entity':
        return data.entity(req);
      case 'unknown':
        break;
    }
    throw new DataverseHttpError(404, DvCode.QueryValidation, `Resource not found for the segment '${describe(req)}'.`);
  };
  return dispatch;
}

const describe = (req: EmuRequest): string =>
  req.path.kind === 'unknown' ? req.path.raw : req.path.kind === 'function' ? req.path.name : req.path.kind;
