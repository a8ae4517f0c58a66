/** Turns a queued fault into what the client sees: an error status, a delay, a reset, or bad JSON. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { DvCode } from '../../wire/index.js';
import { DataverseHttpError } from '../errors.js';
import type { ServiceProtectionLimits } from '../options.js';
import type { Fault } from './queue.js';

/** Requests whose (otherwise normal) response body is to be truncated on the way out. */
const malformed = new WeakSet<IncomingMessage>();

/** Applies a fault in the onRequest hook: throws, waits, or hijacks and destroys the socket. */
export async function applyFault(
  fault: Fault,
  request: FastifyRequest,
  reply: FastifyReply,
  limits: ServiceProtectionLimits,
): Promise<void> {
  switch (fault.kind) {
    case '429':
      throw new DataverseHttpError(
        429,
        DvCode.RequestLimit,
        `Number of requests exceeded the limit of ${limits.requests} over time window of ${Math.round(limits.windowMs / 1000)} seconds.`,
        { 'retry-after': String(fault.retryAfterSeconds) },
      );
    case '500':
      throw new DataverseHttpError(500, DvCode.GenericSql, 'Generic SQL error.');
    case '503':
      // Gateway-level failure: Dataverse sends no Dataverse error code for these.
      throw new DataverseHttpError(503, '', 'The service is temporarily unavailable. Please retry later.', {
        'retry-after': String(fault.retryAfterSeconds),
      });
    case 'slow':
      await sleep(fault.delayMs);
      return;
    case 'reset':
      reply.hijack();
      request.raw.socket.destroy();
      return;
    case 'malformed':
      malformed.add(request.raw);
      return;
  }
}

/** onSend: a request marked malformed answers 200 with the first half of its real body. */
export function truncateIfMalformed(request: FastifyRequest, reply: FastifyReply, payload: unknown): unknown {
  if (!malformed.has(request.raw)) return payload;
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
  reply.code(200).header('content-type', 'application/json; odata.metadata=minimal');
  const cut = text.slice(0, Math.floor(text.length / 2));
  return cut.length > 1 ? cut : '{"value":[{"';
}
