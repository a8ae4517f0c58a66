/**
 * GET /api/health: the one health line every admin page shows at its top (the status page gets the
 * same object inside /api/status). A database that does not answer is answered as a health state,
 * not as a 500, so the page can say what to do.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { isDatabaseUnavailable } from '../../store/errors.js';
import type { Health } from '../../sync/health.js';
import { databaseDownHealth, healthOf } from '../../sync/health-facts.js';
import { buildStatus, type SyncStatus } from '../../sync/status.js';
import type { DynamicsAccess } from './dynamics.js';

/** The health from a status already built (or built here), with the live runner's word first. */
export async function healthFor(deps: ApiDeps, status: SyncStatus, recordsLastHour?: number): Promise<Health> {
  return healthOf({
    db: deps.db,
    status,
    intervalMs: deps.config.intervalSeconds * 1000,
    liveRunner: deps.runner?.health ?? null,
    ...(recordsLastHour !== undefined ? { recordsLastHour } : {}),
  });
}

export function registerHealthRoutes(app: FastifyInstance, deps: ApiDeps, dynamics: DynamicsAccess): void {
  app.get('/api/health', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    try {
      const status = await buildStatus(deps.db, await dynamics.pendingCounter());
      return await healthFor(deps, status);
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      return databaseDownHealth(err, deps.config.intervalSeconds * 1000, deps.runner?.health ?? null);
    }
  });
}
