/**
 * Marketo-compatible REST API: /identity/oauth/token and /rest/v1/*. Errors of /rest are mapped
 * here, once, to Marketo's envelope (HTTP 200, `success: false`, a string code); /identity answers
 * OAuth errors itself. Both stay inside this plugin's scope, so the admin API keeps its own mapping.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../config/index.js';
import { FatalError, InvalidInputError, NotFoundError } from '../../domain/index.js';
import type { ApiDeps } from '../deps.js';
import { registerActivities } from './activities.js';
import { restAuth } from './auth.js';
import { registerCompanies } from './companies.js';
import { createRestContext } from './context.js';
import { registerCustomObjects } from './custom-objects.js';
import { failure, RestCode, RestError, type RestErrorItem } from './envelope.js';
import type { LeadFieldsCache } from './fields.js';
import { registerIdentity } from './identity.js';
import { registerLeadReads } from './leads.js';
import { registerLeadPush } from './leads-push.js';
import { registerLeadWrites } from './leads-write.js';
import { registerOpportunities } from './opportunities.js';

function toRestError(err: FastifyError | Error, logger: Logger): { status: number; item: RestErrorItem } {
  if (err instanceof RestError) return { status: 200, item: { code: err.code, message: err.message } };
  const code = (err as FastifyError).code;
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return { status: 200, item: { code: RestCode.InvalidJson, message: 'Invalid JSON' } };
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return { status: 200, item: { code: RestCode.InvalidContentType, message: 'Invalid Content Type' } };
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return { status: 413, item: { code: RestCode.InvalidData, message: 'Request body too large' } };
  if (err instanceof InvalidInputError)
    return { status: 200, item: { code: RestCode.InvalidData, message: err.message } };
  if (err instanceof NotFoundError) return { status: 200, item: { code: RestCode.NotFound, message: err.message } };
  if (err instanceof FatalError && err.code === 'not_configured')
    return { status: 200, item: { code: RestCode.InvalidData, message: err.message } };
  logger.error({ err }, 'REST API request failed');
  return { status: 200, item: { code: RestCode.SystemError, message: 'System error' } };
}

export async function restRoutes(
  app: FastifyInstance,
  opts: { deps: ApiDeps; leadFields: LeadFieldsCache },
): Promise<void> {
  const ctx = createRestContext(opts.deps, opts.leadFields);
  // Marketo clients post the token request as a form.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.setErrorHandler((err: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
    const { status, item } = toRestError(err, opts.deps.logger);
    return reply.code(status).send(failure([item]));
  });
  registerIdentity(app, ctx);
  await app.register(
    async (rest) => {
      rest.addHook('onRequest', restAuth(ctx));
      rest.setNotFoundHandler((_req, reply) =>
        reply.send(failure([{ code: RestCode.NotFound, message: 'Requested resource not found' }])),
      );
      registerLeadReads(rest, ctx);
      registerLeadWrites(rest, ctx);
      registerLeadPush(rest, ctx);
      registerCompanies(rest, ctx);
      registerActivities(rest, ctx);
      registerCustomObjects(rest, ctx);
      registerOpportunities(rest, ctx);
    },
    { prefix: '/rest' },
  );
}
