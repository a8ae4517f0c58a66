/**
 * The one HTTP server of a dynasync process (`serve`, `run`, `demo`): the Marketo-style REST API
 * under /identity and /rest, the admin API and web UI under /api and /, metrics and docs. Each
 * part is a fastify plugin with its own error mapping (Marketo's 200-envelope for /rest, plain
 * HTTP statuses for /api), so errors are mapped to HTTP exactly once, at this edge.
 */
import fastify, { type FastifyInstance } from 'fastify';
import { FatalError } from '../domain/index.js';
import type { ApiDeps } from './deps.js';
import { LeadFieldsCache } from './rest/fields.js';
import { restRoutes } from './rest/index.js';
import { adminRoutes } from './admin/index.js';
import { opsRoutes } from './ops/index.js';

/** Request bodies above this are refused with 413 before any handler runs. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export async function createServer(deps: ApiDeps): Promise<FastifyInstance> {
  const app = fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES });
  const leadFields = new LeadFieldsCache(deps.db);
  await app.register(restRoutes, { deps, leadFields });
  await app.register(adminRoutes, { deps, onFieldsSaved: () => leadFields.invalidate() });
  await app.register(opsRoutes, { deps });
  return app;
}

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startServer(deps: ApiDeps, host: string, port: number): Promise<RunningServer> {
  const app = await createServer(deps);
  try {
    await app.listen({ host, port });
  } catch (err) {
    await app.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new FatalError('port_in_use', `Port ${port} on ${host} is in use: choose another with --port N (npm run demo -- --port N) or DYNASYNC_HTTP_PORT.`);
    }
    throw err;
  }
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host}:${boundPort}`;
  deps.logger.info({ url }, 'dynasync server listening');
  return { url, close: () => app.close() };
}
