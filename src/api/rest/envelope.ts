/**
 * Marketo's REST conventions: every answer is HTTP 200 with `{requestId, success, result}` or
 * `{requestId, success: false, errors: [{code, message}]}`; codes are strings, as Marketo sends
 * them, so existing clients that compare `error.code === '601'` keep working.
 */
import { randomBytes } from 'node:crypto';

export const RestCode = Object.freeze({
  AccessTokenEmpty: '600',
  AccessTokenInvalid: '601',
  AccessTokenExpired: '602',
  RateLimited: '606',
  InvalidJson: '609',
  NotFound: '610',
  SystemError: '611',
  InvalidContentType: '612',
  InvalidValue: '1001',
  InvalidData: '1003',
  LeadNotFound: '1004',
  LeadAlreadyExists: '1005',
  FieldNotFound: '1006',
  MultipleLeadsMatch: '1007',
  CrmEnabled: '1018',
} as const);
export type RestCodeValue = (typeof RestCode)[keyof typeof RestCode];

export interface RestErrorItem {
  readonly code: RestCodeValue;
  readonly message: string;
}

/** A request-level failure: the whole call answers `success: false` with this error. */
export class RestError extends Error {
  constructor(
    readonly code: RestCodeValue,
    message: string,
  ) {
    super(message);
    this.name = 'RestError';
  }
}

/**
 * Marketo's request ids look like `e42b#14272d07d78`: four hex digits, then the time in hex. The
 * digits count up from a random start rather than calling randomBytes per request (a system call
 * each, measurable under load); ids stay distinct within a millisecond up to 65,536 requests.
 */
let requestSeq = randomBytes(2).readUInt16BE(0);
export const newRequestId = (): string => {
  requestSeq = (requestSeq + 1) & 0xffff;
  return `${requestSeq.toString(16).padStart(4, '0')}#${Date.now().toString(16)}`;
};

export interface SuccessBody {
  readonly requestId: string;
  readonly success: true;
  readonly result?: readonly unknown[];
  readonly moreResult?: boolean;
  readonly nextPageToken?: string;
}

export function success(
  result: readonly unknown[] | undefined,
  paging: { moreResult?: boolean; nextPageToken?: string } = {},
): SuccessBody {
  return {
    requestId: newRequestId(),
    success: true,
    ...(result === undefined ? {} : { result }),
    ...(paging.moreResult === undefined ? {} : { moreResult: paging.moreResult }),
    ...(paging.nextPageToken === undefined ? {} : { nextPageToken: paging.nextPageToken }),
  };
}

export function failure(errors: readonly RestErrorItem[]): {
  requestId: string;
  success: false;
  errors: readonly RestErrorItem[];
} {
  return { requestId: newRequestId(), success: false, errors };
}

/** A per-record refusal inside a successful batch call (`status: 'skipped'`). */
export const skipped = (code: RestCodeValue, message: string): { status: 'skipped'; reasons: RestErrorItem[] } => ({
  status: 'skipped',
  reasons: [{ code, message }],
});
