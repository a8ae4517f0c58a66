/**
 * The one HTTP server of a dynasync process (`serve`, `run`, `demo`): the Marketo-style REST API
 * under /identity and /rest, the admin API and web UI under /api and /, metrics and docs. Each
 * part is a fastify plugin with its own error mapping (Marketo's 200-envelope for /rest, plain
 * HTTP statuses for /api), so errors are mapped to HTTP exactly once, at this edge. Before any of
 * them, a request for a host name this server is not configured for is refused (host-check.ts).
 */
import fastify, { type FastifyInstance } from 'fastify';
import { FatalError } from '../domain/index.js';
import type { ApiDeps } from './deps.js';
import { LeadFieldsCache } from './rest/fields.js';
import { restRoutes } from './rest/index.js';
import { adminRoutes } from './admin/index.js';
import { opsRoutes } from './ops/index.js';
import { hookRoutes } from './hooks/dataverse-routes.js';
import { SetupCode } from './admin/setup-code.js';
import { allowedHosts, createHostCheck } from './host-check.js';

/** Request bodies above this are refused with 413 before any handler runs. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface BuiltServer {
  readonly app: FastifyInstance;
  /** The one-time code that sets the first admin password; null once a password is set. */
  readonly setupCode: SetupCode;
}

/** The server with its parts; `listenHost` joins the host names it answers for (host-check.ts). */
export async function buildServer(deps: ApiDeps, opts: { listenHost?: string } = {}): Promise<BuiltServer> {
  const app = fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES });
  app.addHook(
    'onRequest',
    createHostCheck(allowedHosts({ listenHost: opts.listenHost, configured: deps.config.allowedHosts })),
  );
  const leadFields = new LeadFieldsCache(deps.db);
  const setupCode = new SetupCode();
  await app.register(restRoutes, { deps, leadFields });
  await app.register(adminRoutes, { deps, setupCode, onFieldsSaved: () => leadFields.invalidate() });
  await app.register(opsRoutes, { deps });
  await app.register(hookRoutes, { deps });
  return { app, setupCode };
}

export async function createServer(deps: ApiDeps): Promise<FastifyInstance> {
  return (await buildServer(deps)).app;
}

export interface RunningServer {
  readonly url: string;
  /** Set while no admin password is: the caller prints it on the console (the log has it at info). */
  readonly setupCode: string | null;
  close(): Promise<void>;
}

export async function startServer(deps: ApiDeps, host: string, port: number): Promise<RunningServer> {
  const { app, setupCode } = await buildServer(deps, { listenHost: host });
  try {
    await app.listen({ host, port });
  } catch (err) {
    await app.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new FatalError(
        'port_in_use',
        `Port ${port} on ${host} is in use: choose another with --port N (npm run demo -- --port N) or DYNASYNC_HTTP_PORT.`,
      );
    }
    throw err;
  }
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host}:${boundPort}`;
  deps.logger.info({ url }, 'dynasync server listening');
  const code = setupCode.code;
  if (code)
    deps.logger.info(`No admin password is set yet: open ${url}/login and enter the one-time setup code ${code}`);
  return { url, setupCode: code, close: () => app.close() };
}
