/**
 * POST $batch: each inner request goes back through the router with the caller's principal. As in
 * Dataverse, the batch stops at the first failure and answers 400 (200 and carries on with
 * `Prefer: odata.continue-on-error`). Change sets run in order with `$n` Content-ID references, but
 * a failure does not roll back the change set's earlier writes (not emulated).
 */
import { randomUUID } from 'node:crypto';
import { API_PATH, DvCode } from '../../wire/index.js';
import { DataverseHttpError, badRequest } from '../errors.js';
import { parseResourcePath } from '../http/resource-path.js';
import type { EmuRequest, EmuResponse } from '../http/types.js';
import { parsePrefer } from '../odata/prefer.js';
import { boundaryOf, httpResponsePart, multipartBody, parseBatch, type HttpPart } from './multipart.js';

const MAX_REQUESTS = 1000;

type Dispatch = (inner: EmuRequest) => Promise<EmuResponse>;

function innerRequest(outer: EmuRequest, part: HttpPart, refs: Map<string, string>): EmuRequest {
  let url = part.url.replace(/^\$(\w+)/, (m, id: string) => refs.get(id) ?? m);
  let baseUrl = outer.baseUrl;
  if (/^https?:\/\//i.test(url)) {
    const u = new URL(url);
    baseUrl = `${u.origin}${API_PATH}/`;
    url = u.pathname + u.search;
  }
  const at = url.indexOf(`${API_PATH}/`);
  const rest = at >= 0 ? url.slice(at + API_PATH.length + 1) : url.replace(/^\/+/, '');
  const q = rest.indexOf('?');
  if (!['GET', 'POST', 'PATCH', 'DELETE', 'PUT'].includes(part.method)) {
    throw new DataverseHttpError(405, DvCode.InvalidArgument, `Method ${part.method} not allowed.`);
  }
  let body: unknown;
  if (part.body) {
    try {
      body = JSON.parse(part.body);
    } catch {
      throw badRequest('The request body of a batch part is not valid JSON.', DvCode.QueryValidation);
    }
  }
  return {
    method: part.method as EmuRequest['method'],
    path: parseResourcePath(q === -1 ? rest : rest.slice(0, q)),
    query: new URLSearchParams(q === -1 ? '' : rest.slice(q + 1)),
    headers: part.headers,
    body,
    principal: outer.principal,
    baseUrl,
  };
}

async function run(outer: EmuRequest, part: HttpPart, dispatch: Dispatch, refs: Map<string, string>): Promise<EmuResponse> {
  try {
    const res = await dispatch(innerRequest(outer, part, refs));
    const entityId = res.headers?.['odata-entityid'];
    if (part.contentId && entityId) refs.set(part.contentId, entityId);
    return res;
  } catch (err) {
    if (err instanceof DataverseHttpError) return errorResponse(err);
    return { status: 500, body: { error: { code: DvCode.GenericSql, message: 'An unexpected error occurred.' } } };
  }
}

async function runSingle(req: EmuRequest, part: HttpPart, dispatch: Dispatch, refs: Map<string, string>, out: string[]): Promise<boolean> {
  const res = await run(req, part, dispatch, refs);
  out.push(httpResponsePart(res));
  return res.status >= 400;
}

/** A change set answers as a nested changesetresponse, or as its single failing response. */
async function runChangeSet(req: EmuRequest, requests: HttpPart[], dispatch: Dispatch, refs: Map<string, string>, out: string[]): Promise<boolean> {
  const inner: string[] = [];
  for (const r of requests) {
    if (r.method === 'GET') {
      out.push(httpResponsePart(errorResponse(badRequest('A change set cannot contain a GET request.', DvCode.QueryValidation))));
      return true;
    }
    const res = await run(req, r, dispatch, refs);
    if (res.status >= 400) {
      out.push(httpResponsePart(res, r.contentId));
      return true;
    }
    inner.push(httpResponsePart(res, r.contentId));
  }
  const cs = `changesetresponse_${randomUUID()}`;
  out.push(`Content-Type: multipart/mixed; boundary=${cs}\r\n\r\n${multipartBody(cs, inner)}`);
  return false;
}

const errorResponse = (err: DataverseHttpError): EmuResponse => ({ status: err.status, headers: err.headers, body: err.toBody() });

export async function handleBatch(req: EmuRequest, dispatch: Dispatch): Promise<EmuResponse> {
  if (req.method !== 'POST') throw new DataverseHttpError(405, DvCode.InvalidArgument, '$batch accepts only POST.');
  const boundary = boundaryOf(req.headers['content-type']);
  if (!boundary || typeof req.body !== 'string') {
    throw badRequest('The batch request must have a multipart/mixed body with a boundary.', DvCode.QueryValidation);
  }
  const items = parseBatch(req.body, boundary);
  const total = items.reduce((n, i) => n + (i.kind === 'request' ? 1 : i.requests.length), 0);
  if (total > MAX_REQUESTS) throw badRequest(`Number of requests in a batch exceeds the limit of ${MAX_REQUESTS}.`, DvCode.QueryValidation);
  const continueOnError = parsePrefer(req.headers['prefer']).continueOnError;
  const refs = new Map<string, string>();
  const parts: string[] = [];
  let failed = false;
  for (const item of items) {
    const itemFailed = item.kind === 'request'
      ? await runSingle(req, item.request, dispatch, refs, parts)
      : await runChangeSet(req, item.requests, dispatch, refs, parts);
    failed ||= itemFailed;
    if (itemFailed && !continueOnError) break;
  }
  const boundaryOut = `batchresponse_${randomUUID()}`;
  return {
    status: failed && !continueOnError ? 400 : 200,
    headers: {
      'content-type': `multipart/mixed; boundary=${boundaryOut}`,
      ...(continueOnError ? { 'preference-applied': 'odata.continue-on-error' } : {}),
    },
    body: multipartBody(boundaryOut, parts),
  };
}
