/**
 * Dataverse answers, classified twice: first for the retry loop (retry, re-authenticate, or give
 * up), then, once retries are over, into the domain's typed errors the sync acts on.
 */
import { DeltaTokenExpiredError, FatalError, RetriableError, isSyncError, type SyncError } from '../domain/index.js';
import { DvCode, EXPIRED_VERSION_STAMP_MESSAGE } from '../wire/index.js';
import { TransportError, type HttpResponse } from './http.js';
import { parseRetryAfter } from './retry-after.js';

/** A non-2xx answer from the Web API, with Dataverse's `{"error":{"code","message"}}` when present. */
export class WebApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
    this.name = 'WebApiError';
  }
}

/** A 2xx answer whose body is not what the Web API sends (truncated JSON, an HTML page…). */
export class MalformedResponseError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MalformedResponseError';
  }
}

/** A selected column no longer exists in Dynamics: the table stops until the field selection is saved again. */
export class ColumnDeletedError extends FatalError {
  constructor(
    readonly column: string,
    readonly entity: string,
    options?: ErrorOptions,
  ) {
    super(
      'column_deleted',
      `Column '${column}' of table ${entity} no longer exists in Dynamics. Save the field selection again to drop it.`,
      options,
    );
  }
}

export function webApiErrorFrom(res: HttpResponse, now: number = Date.now()): WebApiError {
  let code = '';
  let message = '';
  try {
    const body = JSON.parse(res.text) as { error?: { code?: unknown; message?: unknown } };
    code = typeof body.error?.code === 'string' ? body.error.code : '';
    message = typeof body.error?.message === 'string' ? body.error.message : '';
  } catch {
    // Gateways and load balancers answer in HTML or plain text; keep a short, single-line excerpt.
    message = res.text
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 200);
  }
  return new WebApiError(
    res.status,
    code,
    message || `HTTP ${res.status}`,
    parseRetryAfter(res.headers.get('retry-after'), now),
  );
}

export type FailureKind = 'throttled' | 'transient' | 'unauthorized' | 'final';

const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);

/** What the retry loop does with a failed attempt. */
export function failureKind(e: unknown): FailureKind {
  if (e instanceof WebApiError) {
    if (e.status === 429) return 'throttled';
    if (e.status === 401) return 'unauthorized';
    return TRANSIENT_STATUS.has(e.status) ? 'transient' : 'final';
  }
  if (e instanceof TransportError || e instanceof MalformedResponseError) return 'transient';
  if (e instanceof RetriableError && SIGN_IN_UNAVAILABLE.has(e.code)) return 'transient';
  return 'final';
}

/** Sign-in failures worth another try: the token endpoint answered 5xx/429, or did not answer. */
const SIGN_IN_UNAVAILABLE = new Set(['auth_unavailable', 'organization_unreachable', 'authority_unreachable']);

const COLUMN_NOT_FOUND = /Could not find a property named '([^']+)'/;

/** The domain error for a failure the retry loop gave up on. Aborts and unknown errors pass through. */
export function toSyncError(e: unknown, entity?: string): Error {
  if (isSyncError(e)) return e;
  if (e instanceof WebApiError) return fromWebApi(e, entity);
  if (e instanceof TransportError) {
    return new RetriableError(e.kind === 'timeout' ? 'timeout' : 'network_error', e.message, undefined, { cause: e });
  }
  if (e instanceof MalformedResponseError) {
    return new RetriableError('malformed_response', e.message, undefined, { cause: e });
  }
  return e instanceof Error ? e : new Error(String(e));
}

function fromWebApi(e: WebApiError, entity: string | undefined): SyncError {
  const options = { cause: e };
  const said = `Dataverse answered ${e.status}${e.code ? ` ${e.code}` : ''}: ${e.message}`;
  if (e.code === DvCode.ExpiredVersionStamp || e.message.includes(EXPIRED_VERSION_STAMP_MESSAGE.slice(0, 40))) {
    return new DeltaTokenExpiredError(
      `The delta token${entity ? ` of ${entity}` : ''} has expired: ${e.message}`,
      options,
    );
  }
  // Only a data read (which names its table) can lose a column; on a metadata query the same
  // message means the server does not know a metadata property, which is not drift.
  const column = COLUMN_NOT_FOUND.exec(e.message)?.[1];
  if (column !== undefined && entity !== undefined && e.status === 400)
    return new ColumnDeletedError(column, entity, options);
  if (e.code === DvCode.ChangeTrackingDisabled || (e.status === 400 && /change tracking/i.test(e.message))) {
    return new FatalError(
      'change_tracking_disabled',
      `Change tracking is off for ${entity ?? 'this table'} in Dynamics. Turn on "Track changes" for the table. (${said})`,
      options,
    );
  }
  switch (e.status) {
    case 401:
      return new FatalError(
        'auth_failed',
        `Dataverse refused the access token even after a fresh sign-in. ${said}`,
        options,
      );
    case 403:
      return new FatalError(
        'privilege_denied',
        `The Dynamics user lacks a privilege for this request. ${said}`,
        options,
      );
    case 404:
      return new FatalError('not_found', said, options);
    case 429:
      return new RetriableError(
        'throttled',
        `Dataverse kept throttling the requests. ${said}`,
        e.retryAfterMs,
        options,
      );
    default:
      return TRANSIENT_STATUS.has(e.status)
        ? new RetriableError('server_error', said, e.retryAfterMs, options)
        : new FatalError('request_failed', said, options);
  }
}
