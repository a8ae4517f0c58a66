/**
 * POST $batch, as Dataverse answers it: parts run in order; a change set is one transaction (all of
 * its requests or none: a failure rolls back its earlier writes) whose `Content-ID: n` lets later
 * requests of the same change set say `$n`. Without `Prefer: odata.continue-on-error` the batch
 * stops at the first failure and answers 400 with that failure; with it, 200 and every part's own
 * status. At most 1,000 requests. For service protection the batch is one request whose execution
 * time is the whole batch's (the pipeline admits it once), as Microsoft's api-limits page says.
 */
import { randomUUID } from 'node:crypto';
import { DvCode } from '../../wire/index.js';
import { DataverseHttpError, badRequest } from '../errors.js';
import type { EmuRequest, EmuResponse } from '../http/types.js';
import { parsePrefer } from '../odata/prefer.js';
import { innerRequest } from './batch-request.js';
import { boundaryOf, httpResponsePart, multipartBody, parseBatch, type HttpPart } from './multipart.js';

export const MAX_BATCH_REQUESTS = 1000;

type Dispatch = (inner: EmuRequest) => Promise<EmuResponse>;
/** Runs a change set atomically: rolled back when it throws or its result says it failed. */
export type Atomic = <T>(fn: () => Promise<T>, failed: (result: T) => boolean) => Promise<T>;

const errorResponse = (err: DataverseHttpError): EmuResponse => ({
  status: err.status,
  headers: err.headers,
  body: err.toBody(),
});

async function run(
  outer: EmuRequest,
  part: HttpPart,
  dispatch: Dispatch,
  refs: Map<string, string>,
): Promise<EmuResponse> {
  try {
    const res = await dispatch(innerRequest(outer, part, refs));
    const entityId = res.headers?.['odata-entityid'];
    if (part.contentId && entityId) refs.set(part.contentId, entityId);
    // A create inside a batch also names the new row in Location (Microsoft's batch examples).
    if (part.method === 'POST' && entityId && !res.headers?.location)
      res.headers = { ...res.headers, location: entityId };
    return res;
  } catch (err) {
    if (err instanceof DataverseHttpError) return errorResponse(err);
    return { status: 500, body: { error: { code: DvCode.GenericSql, message: 'An unexpected error occurred.' } } };
  }
}

interface ChangeSetResult {
  failed: boolean;
  part: string;
}

/** A change set answers as a nested changesetresponse, or as its single failing response. */
async function runChangeSet(req: EmuRequest, requests: HttpPart[], dispatch: Dispatch): Promise<ChangeSetResult> {
  const refs = new Map<string, string>();
  const inner: string[] = [];
  for (const r of requests) {
    if (r.method === 'GET') {
      return {
        failed: true,
        part: httpResponsePart(
          errorResponse(badRequest('A change set cannot contain a GET request.', DvCode.QueryValidation)),
        ),
      };
    }
    const res = await run(req, r, dispatch, refs);
    if (res.status >= 400) return { failed: true, part: httpResponsePart(res, r.contentId) };
    inner.push(httpResponsePart(res, r.contentId));
  }
  const cs = `changesetresponse_${randomUUID()}`;
  return { failed: false, part: `Content-Type: multipart/mixed; boundary=${cs}\r\n\r\n${multipartBody(cs, inner)}` };
}

export async function handleBatch(req: EmuRequest, dispatch: Dispatch, atomic: Atomic): Promise<EmuResponse> {
  if (req.method !== 'POST') throw new DataverseHttpError(405, DvCode.InvalidArgument, '$batch accepts only POST.');
  const boundary = boundaryOf(req.headers['content-type']);
  if (!boundary || typeof req.body !== 'string') {
    throw badRequest('The batch request must have a multipart/mixed body with a boundary.', DvCode.QueryValidation);
  }
  const items = parseBatch(req.body, boundary);
  const total = items.reduce((n, i) => n + (i.kind === 'request' ? 1 : i.requests.length), 0);
  if (total > MAX_BATCH_REQUESTS) {
    throw badRequest(
      `Number of requests in a batch exceeds the limit of ${MAX_BATCH_REQUESTS}.`,
      DvCode.QueryValidation,
    );
  }
  const continueOnError = parsePrefer(req.headers['prefer']).continueOnError;
  const parts: string[] = [];
  let failed = false;
  for (const item of items) {
    let itemFailed: boolean;
    if (item.kind === 'request') {
      const res = await run(req, item.request, dispatch, new Map());
      parts.push(httpResponsePart(res));
      itemFailed = res.status >= 400;
    } else {
      const result = await atomic(
        () => runChangeSet(req, item.requests, dispatch),
        (r) => r.failed,
      );
      parts.push(result.part);
      itemFailed = result.failed;
    }
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
