/**
 * GET|POST /identity/oauth/token: Marketo's client-credentials grant. Parameters come in the query
 * string (as Marketo clients send them) or a form body. Errors follow OAuth 2 (RFC 6749 §5.2), as
 * Marketo's identity service answers them, not the REST envelope. Secret checks are limited per
 * client id and address before any hash runs (429 with Retry-After beyond the limit).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RestContext } from './context.js';
import { authenticateClient, issueToken } from './credentials.js';

function field(req: FastifyRequest, name: string): string | undefined {
  const fromQuery = (req.query as Record<string, unknown>)[name];
  const body = req.body as Record<string, unknown> | undefined;
  const v = fromQuery ?? (typeof body === 'object' && body !== null ? body[name] : undefined);
  return typeof v === 'string' ? v : undefined;
}

const oauthError = (reply: FastifyReply, status: number, error: string, description: string) =>
  reply.code(status).send({ error, error_description: description });

export function registerIdentity(app: FastifyInstance, ctx: RestContext): void {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const grant = field(req, 'grant_type');
    if (grant === undefined) return oauthError(reply, 400, 'invalid_request', 'Missing grant type');
    if (grant !== 'client_credentials')
      return oauthError(reply, 400, 'unsupported_grant_type', `Unsupported grant type: ${grant.slice(0, 40)}`);
    const clientId = field(req, 'client_id');
    const clientSecret = field(req, 'client_secret');
    if (!clientId || !clientSecret) return oauthError(reply, 401, 'invalid_client', 'Bad client credentials');
    const reserved = ctx.tokenAttempts.reserve(clientId, req.ip);
    if ('refused' in reserved) {
      void reply.header('retry-after', String(reserved.retryAfterSeconds));
      return oauthError(
        reply,
        429,
        'too_many_requests',
        `${reserved.refused}: retry in ${reserved.retryAfterSeconds} s`,
      );
    }
    let apiClientId: number | null = null;
    try {
      apiClientId = await authenticateClient(ctx.deps.db, clientId, clientSecret);
    } finally {
      // Counted as failed unless it succeeded (also when the check itself threw).
      if (apiClientId === null) reserved.attempt.failed();
      else reserved.attempt.ok();
    }
    if (apiClientId === null) return oauthError(reply, 401, 'invalid_client', 'Bad client credentials');
    const { token } = await issueToken(ctx.deps.db, apiClientId, ctx.tokenTtlSeconds);
    return reply.header('cache-control', 'no-store').send({
      access_token: token,
      token_type: 'bearer',
      expires_in: ctx.tokenTtlSeconds,
      scope: clientId,
    });
  };
  app.get('/identity/oauth/token', handler);
  app.post('/identity/oauth/token', handler);
}
