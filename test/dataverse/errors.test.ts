import { describe, expect, it } from 'vitest';
import { DeltaTokenExpiredError, FatalError, RetriableError } from '../../src/domain/index.js';
import { DvCode, EXPIRED_VERSION_STAMP_MESSAGE } from '../../src/wire/index.js';
import {
  ColumnDeletedError,
  MalformedResponseError,
  WebApiError,
  failureKind,
  toSyncError,
  webApiErrorFrom,
} from '../../src/dataverse/errors.js';
import { TransportError } from '../../src/dataverse/http.js';

const res = (status: number, text: string, headers: Record<string, string> = {}) => ({
  status,
  text,
  headers: new Headers({ 'content-type': 'application/json', ...headers }),
});

describe('webApiErrorFrom', () => {
  it("reads Dataverse's error body and Retry-After", () => {
    const body = JSON.stringify({
      error: { code: DvCode.RequestLimit, message: 'Number of requests exceeded the limit' },
    });
    const e = webApiErrorFrom(res(429, body, { 'retry-after': '38' }));
    expect(e).toMatchObject({
      status: 429,
      code: DvCode.RequestLimit,
      message: 'Number of requests exceeded the limit',
      retryAfterMs: 38_000,
    });
  });

  it('keeps a short single-line excerpt of an HTML error page', () => {
    const e = webApiErrorFrom(res(502, '<html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>'));
    expect(e.code).toBe('');
    expect(e.message).toBe('502 Bad Gateway nginx');
  });

  it('falls back to the status for an empty body', () => {
    expect(webApiErrorFrom(res(503, '')).message).toBe('HTTP 503');
  });
});

describe('failureKind', () => {
  it.each([
    [new WebApiError(429, DvCode.RequestLimit, 'x', 5000), 'throttled'],
    [new WebApiError(500, '', 'x', undefined), 'transient'],
    [new WebApiError(502, '', 'x', undefined), 'transient'],
    [new WebApiError(503, '', 'x', undefined), 'transient'],
    [new WebApiError(504, '', 'x', undefined), 'transient'],
    [new WebApiError(401, '', 'x', undefined), 'unauthorized'],
    [new WebApiError(403, '', 'x', undefined), 'final'],
    [new WebApiError(400, '', 'x', undefined), 'final'],
    [new WebApiError(404, '', 'x', undefined), 'final'],
    [new TransportError('network', 'ECONNRESET'), 'transient'],
    [new TransportError('timeout', 'slow'), 'transient'],
    [new MalformedResponseError('truncated'), 'transient'],
    [new RetriableError('auth_unavailable', 'Entra down'), 'transient'],
    [new FatalError('wrong_password', 'x'), 'final'],
    [new Error('bug'), 'final'],
  ] as const)('%s → %s', (error, kind) => {
    expect(failureKind(error)).toBe(kind);
  });
});

describe('toSyncError', () => {
  it('maps the expired version stamp, by code or by message, to DeltaTokenExpiredError', () => {
    const byCode = toSyncError(new WebApiError(400, DvCode.ExpiredVersionStamp, 'expired', undefined), 'contact');
    const byMessage = toSyncError(new WebApiError(400, '', EXPIRED_VERSION_STAMP_MESSAGE, undefined));
    expect(byCode).toBeInstanceOf(DeltaTokenExpiredError);
    expect(byMessage).toBeInstanceOf(DeltaTokenExpiredError);
    expect((byCode as DeltaTokenExpiredError).code).toBe('delta_token_expired');
  });

  it('names the deleted column', () => {
    const e = toSyncError(
      new WebApiError(
        400,
        DvCode.QueryValidation,
        "Could not find a property named 'new_tier' on type 'Microsoft.Dynamics.CRM.account'.",
        undefined,
      ),
      'account',
    );
    expect(e).toBeInstanceOf(ColumnDeletedError);
    expect(e).toMatchObject({ code: 'column_deleted', column: 'new_tier', entity: 'account' });
    expect(e.message).toContain("'new_tier'");
  });

  it('does not take an unknown metadata property for a deleted column', () => {
    const e = toSyncError(
      new WebApiError(
        400,
        DvCode.QueryValidation,
        "Could not find a property named 'IsValidODataAttribute' on type 'Microsoft.Dynamics.CRM.AttributeMetadata'.",
        undefined,
      ),
    );
    expect(e).toMatchObject({ code: 'request_failed' });
  });

  it('recognises change tracking turned off', () => {
    const byCode = toSyncError(new WebApiError(400, DvCode.ChangeTrackingDisabled, 'nope', undefined), 'lead');
    const byMessage = toSyncError(
      new WebApiError(400, '', 'Change tracking is not enabled for entity lead.', undefined),
    );
    expect(byCode).toMatchObject({ code: 'change_tracking_disabled' });
    expect(byMessage).toMatchObject({ code: 'change_tracking_disabled' });
    expect(byCode.message).toContain('lead');
  });

  it('maps 401, 403 and 404 to fatal errors', () => {
    expect(toSyncError(new WebApiError(401, '', 'expired', undefined))).toMatchObject({
      kind: 'fatal',
      code: 'auth_failed',
    });
    expect(toSyncError(new WebApiError(403, DvCode.PrivilegeDenied, 'no read', undefined))).toMatchObject({
      kind: 'fatal',
      code: 'privilege_denied',
    });
    expect(toSyncError(new WebApiError(404, DvCode.RecordNotFound, 'gone', undefined))).toMatchObject({
      kind: 'fatal',
      code: 'not_found',
    });
    expect(toSyncError(new WebApiError(400, DvCode.InvalidArgument, 'bad', undefined))).toMatchObject({
      kind: 'fatal',
      code: 'request_failed',
    });
  });

  it('maps exhausted transient failures to RetriableError with the cause kept', () => {
    const throttled = new WebApiError(429, DvCode.RequestLimit, 'limit', 38_000);
    const mapped = toSyncError(throttled);
    expect(mapped).toBeInstanceOf(RetriableError);
    expect(mapped).toMatchObject({ code: 'throttled', retryAfterMs: 38_000 });
    expect(mapped.cause).toBe(throttled);
    expect(toSyncError(new WebApiError(503, '', 'x', undefined))).toMatchObject({
      kind: 'retriable',
      code: 'server_error',
    });
    expect(toSyncError(new TransportError('network', 'ECONNRESET'))).toMatchObject({
      kind: 'retriable',
      code: 'network_error',
    });
    expect(toSyncError(new TransportError('timeout', 'slow'))).toMatchObject({ kind: 'retriable', code: 'timeout' });
    expect(toSyncError(new MalformedResponseError('bad'))).toMatchObject({
      kind: 'retriable',
      code: 'malformed_response',
    });
  });

  it('passes domain errors and aborts through unchanged', () => {
    const fatal = new FatalError('wrong_password', 'x');
    const abort = new DOMException('stopped', 'AbortError');
    expect(toSyncError(fatal)).toBe(fatal);
    expect(toSyncError(abort)).toBe(abort);
  });
});
