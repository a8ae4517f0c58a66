/**
 * Errors are typed by what the caller should do next, not by where they came from
 * (Meltano's split): retry later, stop the stream/run, or skip one record and go on.
 * HTTP status codes are mapped once, at the API edge.
 */
export type ErrorKind = 'retriable' | 'fatal' | 'skippable';

/**
 * Who has to act on an error, which is what its HTTP status says at the edge: the person who sent
 * the request (`input`: 400, `not_found`: 404), whoever sets this installation up (`setup`: 409),
 * this installation itself (`local`: 500), Dynamics or its sign-in (`dynamics`: 502), nobody yet
 * (`unavailable`: 503, try again), or the sync's per-record report (`record`: 422).
 */
export type ErrorAudience = 'input' | 'not_found' | 'setup' | 'local' | 'dynamics' | 'unavailable' | 'record';

/**
 * Every error code, each declared once by the layer that raises it: `<layer>/error-codes.ts`
 * holds the layer's list (code -> audience) and merges it into this interface, so a code that is
 * misspelt or declared nowhere does not compile, and the edge maps every code by its audience.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the layers merge their lists into it
export interface ErrorCodes extends DomainErrorCodes {}
export type ErrorCode = keyof ErrorCodes & string;

/** The domain's own codes. */
export const DOMAIN_ERROR_CODES = {
  delta_token_expired: 'dynamics',
} as const satisfies Record<string, ErrorAudience>;
type DomainErrorCodes = typeof DOMAIN_ERROR_CODES;

export abstract class SyncError extends Error {
  abstract readonly kind: ErrorKind;
  /** Stable snake_case code, e.g. `delta_token_expired`, `column_deleted`. */
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Transient: 429, 5xx, connection resets. `retryAfterMs` honours the server's Retry-After. */
export class RetriableError extends SyncError {
  readonly kind = 'retriable' as const;
  readonly retryAfterMs: number | undefined;
  constructor(code: ErrorCode, message: string, retryAfterMs?: number, options?: ErrorOptions) {
    super(code, message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

/** Needs a person or a changed configuration: bad credentials, missing privilege, broken config. */
export class FatalError extends SyncError {
  readonly kind = 'fatal' as const;
}

/** One record cannot be applied; it is logged as a sync error and the page goes on. */
export class SkippableError extends SyncError {
  readonly kind = 'skippable' as const;
}

/** The delta token is older than the organization keeps changes: re-baseline the table. */
export class DeltaTokenExpiredError extends FatalError {
  constructor(message: string, options?: ErrorOptions) {
    super('delta_token_expired', message, options);
  }
}

export const isSyncError = (e: unknown): e is SyncError => e instanceof SyncError;

/** A request a person made cannot be done as asked (unknown field, wrong value): answer 400. */
export class InvalidInputError extends FatalError {}

/** The thing a person asked for does not exist: answer 404. */
export class NotFoundError extends FatalError {}
