/**
 * Every /rest call needs an access token, as a bearer header or an `access_token` query parameter
 * (Marketo accepts both). No token at all is 600, an unknown or malformed one 601, an expired one
 * 602; then the client's call counts against its rate limit (606 over it).
 */
import type { FastifyRequest } from 'fastify';
import type { RestContext } from './context.js';
import { TokenCache } from './credentials.js';
import { RestCode, RestError } from './envelope.js';

/** The token sent, '' when something other than a bearer token was sent, undefined when nothing was. */
function tokenOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m?.[1] ?? '';
  }
  const q = (req.query as Record<string, unknown> | undefined)?.access_token;
  return typeof q === 'string' && q !== '' ? q : undefined;
}

export function restAuth(ctx: RestContext) {
  const tokens = new TokenCache();
  return async (req: FastifyRequest): Promise<void> => {
    const token = tokenOf(req);
    if (token === undefined) throw new RestError(RestCode.AccessTokenEmpty, 'Empty access token');
    const found = token ? await tokens.lookup(ctx.deps.db, token) : null;
    if (!found) throw new RestError(RestCode.AccessTokenInvalid, 'Access token invalid');
    if (found.expiresAt.getTime() <= Date.now())
      throw new RestError(RestCode.AccessTokenExpired, 'Access token expired');
    if (!ctx.limiter.tryAcquire(found.apiClientId)) throw new RestError(RestCode.RateLimited, ctx.limiter.describe());
  };
}
