/**
 * Operations endpoints: /metrics (Prometheus) and /docs (OpenAPI). Public like the rest of a
 * server bound to 127.0.0.1 by default; neither exposes records or secrets.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { DynamicsAccess } from '../admin/dynamics.js';
import { SyncMetrics, type DataverseFigures, type MetricsSources } from './metrics.js';
import { openApiDocument } from './openapi.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The sync's live figures and pending counts through this process's own Dataverse session. */
function sourcesFor(deps: ApiDeps): MetricsSources {
  const dynamics = new DynamicsAccess({
    db: deps.db,
    secretBox: deps.secretBox,
    logger: deps.logger,
    pageSize: deps.config.pageSize,
  });
  return {
    db: deps.db,
    dataverse: async () => {
      const session = await dynamics.session().catch(() => null);
      const s = session?.source.requestStats() as Partial<DataverseFigures> | undefined;
      return typeof s?.throttledMs === 'number' ? { throttledMs: s.throttledMs } : null;
    },
    pending: () => dynamics.pendingCounter(),
    liveRunner: () => deps.runner?.health,
  };
}

export async function opsRoutes(
  app: FastifyInstance,
  opts: { deps: ApiDeps; metrics?: MetricsSources },
): Promise<void> {
  const metrics = new SyncMetrics(opts.metrics ?? sourcesFor(opts.deps));
  const doc = openApiDocument(VERSION);
  app.get('/metrics', async (_req, reply) =>
    reply.header('content-type', metrics.contentType).send(await metrics.render()),
  );
  app.get('/docs', async () => doc);
}
