/** What every REST route gets: the API's dependencies and the per-process limiters. */
import type { ApiDeps } from '../deps.js';
import type { LeadFieldsCache } from './fields.js';
import { DEFAULT_RATE_LIMIT, RateLimiter } from './rate-limit.js';
import { TokenAttemptLimiter } from './token-limiter.js';

/** Marketo's access tokens live an hour. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

export interface RestContext {
  readonly deps: ApiDeps;
  readonly limiter: RateLimiter;
  /** Guards the token endpoint's secret checks. */
  readonly tokenAttempts: TokenAttemptLimiter;
  readonly tokenTtlSeconds: number;
  /** The lead fields for reads (writes load them fresh). */
  readonly leadFields: LeadFieldsCache;
}

const fromConfig = (deps: ApiDeps) => {
  const r = deps.config.restRateLimit;
  return r ? { calls: r.calls, windowMs: r.windowSeconds * 1000 } : undefined;
};

export function createRestContext(deps: ApiDeps, leadFields: LeadFieldsCache): RestContext {
  return {
    deps,
    leadFields,
    limiter: new RateLimiter(deps.rest?.rateLimit ?? fromConfig(deps) ?? DEFAULT_RATE_LIMIT),
    tokenAttempts: new TokenAttemptLimiter(),
    tokenTtlSeconds: deps.rest?.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
  };
}
