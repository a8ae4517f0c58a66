/** What every REST route gets: the API's dependencies and the per-process rate limiter. */
import type { ApiDeps } from '../deps.js';
import { DEFAULT_RATE_LIMIT, RateLimiter } from './rate-limit.js';

/** Marketo's access tokens live an hour. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

export interface RestContext {
  readonly deps: ApiDeps;
  readonly limiter: RateLimiter;
  readonly tokenTtlSeconds: number;
}

const fromConfig = (deps: ApiDeps) => {
  const r = deps.config.restRateLimit;
  return r ? { calls: r.calls, windowMs: r.windowSeconds * 1000 } : undefined;
};

export function createRestContext(deps: ApiDeps): RestContext {
  return {
    deps,
    limiter: new RateLimiter(deps.rest?.rateLimit ?? fromConfig(deps) ?? DEFAULT_RATE_LIMIT),
    tokenTtlSeconds: deps.rest?.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
  };
}
