/** Admin API for the web UI (/api/*) and the UI pages themselves. (Owned by the web UI work.) */
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';

export async function adminRoutes(_app: FastifyInstance, _opts: { deps: ApiDeps }): Promise<void> {
  // Routes are registered here by the web UI work (issue 4 sections 2-3).
}
