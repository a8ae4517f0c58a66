/**
 * The admin API's one error mapping: typed errors become HTTP statuses here and nowhere else,
 * always as `{ error: { code, message } }`. Unknown errors are logged and answered without their
 * message (it may carry internals).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../config/index.js';
import { InvalidInputError, NotFoundError, RetriableError, isSyncError } from '../../domain/index.js';
import { audienceOf, STATUS_BY_AUDIENCE } from '../error-audience.js';

/** A refusal specific to the admin API (sign-in, rate limit, state conflicts) with its HTTP status. */
export class AdminRefusal extends Error {
  constructor(
    readonly status: 401 | 403 | 409 | 429 | 503,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AdminRefusal';
  }
}

export interface MappedError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly retryAfterSeconds?: number;
}

export function mapError(err: unknown): MappedError | null {
  if (err instanceof AdminRefusal) {
    return {
      status: err.status,
      code: err.code,
      message: err.message,
      ...(err.retryAfterSeconds !== undefined ? { retryAfterSeconds: err.retryAfterSeconds } : {}),
    };
  }
  if (!isSyncError(err)) return null;
  // The request's own fault whatever the code: a value that would be one record's problem when read
  // from Dynamics (value_out_of_range) is the sender's when it arrives in a request.
  const audience =
    err instanceof InvalidInputError ? 'input' : err instanceof NotFoundError ? 'not_found' : audienceOf(err.code);
  const retryAfterSeconds =
    err instanceof RetriableError && err.retryAfterMs !== undefined ? Math.ceil(err.retryAfterMs / 1000) : undefined;
  return {
    status: STATUS_BY_AUDIENCE[audience],
    code: err.code,
    message: err.message,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  };
}

/** fastify's own 4xx errors (bad JSON, body too large, wrong content type) keep their status. */
function frameworkError(err: unknown): MappedError | null {
  const e = err as Partial<FastifyError>;
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 && !isSyncError(err)) {
    return { status: e.statusCode, code: (e.code ?? 'bad_request').toLowerCase(), message: e.message ?? 'Bad request' };
  }
  return null;
}

export function createErrorHandler(logger: Logger) {
  return function handleError(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const mapped = mapError(err) ?? frameworkError(err);
    if (!mapped || mapped.status >= 500) {
      logger.error({ err, method: request.method, url: request.url.split('?')[0] }, 'admin API request failed');
    }
    const answer = mapped ?? {
      status: 500,
      code: 'internal_error',
      message: 'Something went wrong; the server log has the details',
    };
    if (answer.retryAfterSeconds !== undefined) void reply.header('retry-after', String(answer.retryAfterSeconds));
    void reply
      .code(answer.status)
      .header('cache-control', 'no-store')
      .send({ error: { code: answer.code, message: answer.message } });
  };
}
