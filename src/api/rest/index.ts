/** Marketo-compatible REST API: /identity/oauth/token and /rest/v1/*. (Owned by the REST API work.) */
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';

export async function restRoutes(_app: FastifyInstance, _opts: { deps: ApiDeps }): Promise<void> {
  // Routes are registered here by the REST API work (issue 4 section 2).
}
