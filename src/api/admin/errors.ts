/**
 * The admin API's one error mapping: typed errors become HTTP statuses here and nowhere else,
 * always as `{ error: { code, message } }`. Unknown errors are logged and answered without their
 * message (it may carry internals).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../config/index.js';
import {
  FatalError,
  InvalidInputError,
  NotFoundError,
  RetriableError,
  SkippableError,
  isSyncError,
} from '../../domain/index.js';
import { ConnectionChangeRefused } from '../../store/errors.js';

/** Fatal errors that mean "set something up first", not "Dynamics refused". */
const NEEDS_SETUP = new Set(['not_connected', 'not_configured', 'no_runner', 'credentials_not_bound']);
/** Fatal errors about this installation's own secrets: our fault, not Dynamics'. */
const LOCAL_FAILURES = new Set(['secret_key_mismatch', 'sealed_secret_malformed', 'secret_key_invalid']);

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
  if (err instanceof InvalidInputError) return { status: 400, code: err.code, message: err.message };
  if (err instanceof NotFoundError) return { status: 404, code: err.code, message: err.message };
  if (err instanceof ConnectionChangeRefused) return { status: 409, code: err.code, message: err.message };
  if (err instanceof RetriableError) {
    const retryAfterSeconds = err.retryAfterMs === undefined ? undefined : Math.ceil(err.retryAfterMs / 1000);
    return {
      status: 503,
      code: err.code,
      message: err.message,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    };
  }
  if (err instanceof SkippableError) return { status: 422, code: err.code, message: err.message };
  if (err instanceof FatalError) {
    if (NEEDS_SETUP.has(err.code)) return { status: 409, code: err.code, message: err.message };
    if (LOCAL_FAILURES.has(err.code)) return { status: 500, code: err.code, message: err.message };
    // What is left comes from Dynamics or its sign-in (wrong password, missing privilege): a bad gateway.
    return { status: 502, code: err.code, message: err.message };
  }
  return null;
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
