/**
 * Everything that happens to a Web API request before the dispatcher sees it: counting, bearer
 * authentication, service protection, injected faults. Also registers the token endpoint and, when
 * enabled, the /_emulator admin API.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { performance } from 'node:perf_hooks';
import { API_PATH } from '../../wire/index.js';
import type { EmulatorContext, Principal } from '../context.js';
import { createAdmin } from '../faults/admin.js';
import { registerAdminRoutes } from '../faults/admin-routes.js';
import { applyFault, truncateIfMalformed } from '../faults/apply.js';
import { orgUrlOf } from '../http/org-url.js';
import { parseResourcePath } from '../http/resource-path.js';
import { controlIdentity } from '../identity/service.js';
import { registerTokenRoutes } from '../identity/token-routes.js';
import type { CostModel, ServiceProtectionLimits } from '../options.js';
import { hold, modeledMs } from './cost.js';
import { resourceOf } from './counts.js';
import { controlState } from './state.js';

const PREFIX = `${API_PATH}/`;

declare module 'fastify' {
  interface FastifyRequest {
    /** performance.now() when service protection admitted the request. */
    admittedAt?: number;
    /** Execution time charged (the cost model's); unset: the time the request really took. */
    chargedMs?: number;
  }
}
/** An identity service may use the caller's origin for its WWW-Authenticate challenge. */
type Authenticate = (authorization: string | undefined, orgUrl?: string) => Principal;

export function installPipeline(
  app: FastifyInstance,
  ctx: EmulatorContext,
  opts: { limits: ServiceProtectionLimits; enableAdmin: boolean; costModel?: CostModel | null },
): void {
  const state = controlState(ctx);
  state.protection.limits = { ...opts.limits };
  state.cost = opts.costModel ?? null;
  app.decorateRequest('admittedAt', undefined);
  app.decorateRequest('chargedMs', undefined);
  registerTokenRoutes(app, controlIdentity(ctx.identity), ctx.org, () => ctx.clock.now());
  if (opts.enableAdmin) registerAdminRoutes(app, createAdmin(ctx));
  const authenticate: Authenticate = ctx.identity.authenticate.bind(ctx.identity);

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith(PREFIX)) return;
    const resource = resourceOfUrl(request.url);
    state.counts.record(resource, request.method);
    request.principal = authenticate(request.headers.authorization, orgUrlOf(request, '127.0.0.1'));
    state.counts.recordFor(request.principal.name, resource, request.method);

    const started = performance.now();
    request.admittedAt = started;
    const admission = state.protection.admit(request.principal.userId);
    // 'close' fires for finished responses and for destroyed sockets alike, so the slot is always freed.
    reply.raw.once('close', () => admission.release(request.chargedMs ?? performance.now() - started));
    reply.header('x-ms-ratelimit-burst-remaining-xrm-requests', String(admission.remainingRequests));
    reply.header('x-ms-ratelimit-time-remaining-xrm-requests', String(Math.round(admission.remainingMs)));

    const fault = state.faults.take(resource);
    if (fault) await applyFault(fault, request, reply, state.protection.limits);
  });

  // Requests inside a $batch are counted under their own resource (its body is parsed by now).
  app.addHook('preHandler', async (request) => {
    if (!request.url.startsWith(PREFIX) || typeof request.body !== 'string') return;
    if (resourceOfUrl(request.url) !== '$batch') return;
    for (const { method, url } of innerRequests(request.body)) {
      state.counts.record(resourceOfUrl(url), method);
      if (request.principal) state.counts.recordFor(request.principal.name, resourceOfUrl(url), method);
    }
  });

  // The cost model: hold the answer until the modeled server time has passed, and charge that time.
  app.addHook('onSend', async (request: FastifyRequest, _reply, payload) => {
    const model = state.cost;
    if (!model || request.admittedAt === undefined) return payload;
    const batch = resourceOfUrl(request.url) === '$batch' && typeof request.body === 'string';
    const ms = modeledMs(model, {
      method: request.method,
      work: request.work,
      batchOperations: batch ? innerRequests(request.body as string).length : 0,
    });
    request.chargedMs = ms;
    await hold(ms - (performance.now() - request.admittedAt));
    return payload;
  });

  app.addHook('onSend', async (request: FastifyRequest, reply, payload) =>
    truncateIfMalformed(request, reply, payload),
  );
}

/** The resource a Web API URL (absolute, rooted, or relative to the API root) addresses. */
function resourceOfUrl(url: string): string {
  const path = url.split('?')[0]!;
  const at = path.indexOf(PREFIX);
  const rest = at >= 0 ? path.slice(at + PREFIX.length) : path.replace(/^\/+/, '');
  try {
    return resourceOf(parseResourcePath(rest));
  } catch {
    return '$unknown'; // undecodable percent-escapes
  }
}

/** Request lines of a multipart/mixed $batch body: `GET /api/data/v9.2/accounts?... HTTP/1.1`. */
function innerRequests(body: string): { method: string; url: string }[] {
  const out: { method: string; url: string }[] = [];
  for (const m of body.matchAll(/^(GET|POST|PATCH|PUT|DELETE) (\S+) HTTP\/1\.1\r?$/gm))
    out.push({ method: m[1]!, url: m[2]! });
  return out;
}
