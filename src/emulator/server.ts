/**
 * The HTTP face of the emulator: one fastify instance. The control plane installs its hooks
 * (request counts, faults, bearer auth, service protection) and its own routes (token endpoint,
 * /_emulator admin); every Web API path is parsed once and handed to the dispatcher.
 */
import fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { API_PATH, DvCode } from '../wire/index.js';
import type { Principal } from './context.js';
import { DataverseHttpError } from './errors.js';
import { orgUrlOf } from './http/org-url.js';
import { parseResourcePath } from './http/resource-path.js';
import type { EmuRequest, EmuResponse, RequestWork } from './http/types.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the control plane's auth hook for every Web API request. */
    principal?: Principal;
    /** What the handler served or wrote, for the cost model (protection/cost.ts). */
    work?: RequestWork;
  }
}

const METHODS = new Set(['GET', 'POST', 'PATCH', 'DELETE', 'PUT']);

export function createServer(): FastifyInstance {
  const app = fastify({ logger: false, bodyLimit: 32 * 1024 * 1024, keepAliveTimeout: 65_000 });
  app.decorateRequest('principal', undefined);
  app.decorateRequest('work', undefined);
  // Dataverse answers a DELETE (or any request) that sends `Content-Type: application/json` with no
  // body as if no body was sent; fastify's own parser would refuse it with 400.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(new DataverseHttpError(400, DvCode.QueryValidation, 'The request body is not valid JSON.'), undefined);
    }
  });
  // $batch bodies are multipart/mixed text; parse them in the batch handler.
  app.addContentTypeParser('multipart/mixed', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof DataverseHttpError) return sendError(reply, err);
    const { statusCode: status, message } = err as Error & { statusCode?: number };
    if (status && status >= 400 && status < 500) {
      return sendError(reply, new DataverseHttpError(status, DvCode.InvalidArgument, message));
    }
    return sendError(reply, new DataverseHttpError(500, DvCode.GenericSql, 'An unexpected error occurred.'));
  });
  return app;
}

export function sendError(reply: FastifyReply, err: DataverseHttpError): FastifyReply {
  return reply
    .code(err.status)
    .headers({ 'content-type': 'application/json; odata.metadata=minimal', 'odata-version': '4.0', ...err.headers })
    .send(JSON.stringify(err.toBody()));
}

export function registerWebApi(app: FastifyInstance, dispatch: (req: EmuRequest) => Promise<EmuResponse>): void {
  app.route({
    method: ['GET', 'POST', 'PATCH', 'DELETE', 'PUT'],
    url: `${API_PATH}/*`,
    handler: async (request, reply) => {
      const res = await dispatch(toEmuRequest(request));
      request.work = res.work;
      return sendResponse(reply, res);
    },
  });
}

export function toEmuRequest(request: FastifyRequest): EmuRequest {
  if (!request.principal) throw new DataverseHttpError(401, DvCode.Unauthenticated, 'The user is not authenticated.');
  const url = request.raw.url ?? '/';
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  const rest = pathname.slice(pathname.indexOf(API_PATH) + API_PATH.length);
  const method = request.method.toUpperCase();
  if (!METHODS.has(method)) throw new DataverseHttpError(405, DvCode.InvalidArgument, `Method ${method} not allowed.`);
  return {
    method: method as EmuRequest['method'],
    path: parseResourcePath(rest),
    query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
    headers: request.headers as Record<string, string | undefined>,
    body: request.body,
    principal: request.principal,
    baseUrl: `${orgUrlOf(request)}${API_PATH}/`,
  };
}

export function sendResponse(reply: FastifyReply, res: EmuResponse): FastifyReply {
  const headers: Record<string, string> = { 'odata-version': '4.0', ...res.headers };
  reply.code(res.status);
  if (res.body === undefined) return reply.headers(headers).send();
  if (typeof res.body === 'string' || Buffer.isBuffer(res.body)) return reply.headers(headers).send(res.body);
  headers['content-type'] ??= 'application/json; odata.metadata=minimal';
  return reply.headers(headers).send(JSON.stringify(res.body));
}
