/**
 * The server of a database holding several organizations (`dynasync serve` without `--org`): each
 * organization's REST API, admin API, UI, metrics and docs under `/o/<name>/`, served by that
 * organization's own app (buildServer over its own lead database), so every query of a request runs
 * in that organization's schema: a REST token of one organization is unknown to every other (601).
 * It holds no state of its own beyond caches: run as many as wanted beside the workers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Config, Logger } from '../../config/index.js';
import { FatalError } from '../../domain/index.js';
import { openDb } from '../../store/db/index.js';
import type { Db } from '../../store/db/types.js';
import { findOrg, listOrgs, openFleetDb, type FleetDb } from '../../store/fleet/index.js';
import type { SecretBox } from '../../store/secrets.js';
import { CycleEnqueuer } from '../../sync/worker/enqueue.js';
import type { RunnerControl } from '../deps.js';
import { buildServer, type BuiltServer } from '../server.js';
import { fleetMetrics } from './fleet-metrics.js';
import { fleetOverview } from './fleet-status.js';

export interface FleetServerOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly secretBox: SecretBox;
  readonly host: string;
  readonly port: number;
  /** Connections per organization's pool (default 2): a server may hold hundreds of them. */
  readonly connectionsPerOrg?: number;
}

interface OrgApp {
  readonly built: BuiltServer;
  readonly db: Db;
}

const PREFIX = /^\/o\/([a-z][a-z0-9-]{0,39})(\/[^]*)?$/;

export interface RunningFleetServer {
  readonly url: string;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

export async function startFleetServer(o: FleetServerOptions): Promise<RunningFleetServer> {
  const databaseUrl = o.config.databaseUrl;
  if (!databaseUrl) throw new FatalError('org_needs_postgres', 'Serving several organizations needs PostgreSQL');
  const fleet: FleetDb = openFleetDb(databaseUrl, o.logger);
  // Push notifications (/o/<name>/hooks/dataverse) and sync-now queue the organization's cycle for the workers.
  const enqueuer = new CycleEnqueuer(databaseUrl, o.logger);
  const apps = new Map<string, Promise<OrgApp | null>>();
  const appFor = (name: string): Promise<OrgApp | null> => {
    let app = apps.get(name);
    if (!app) {
      app = openApp(o, fleet, databaseUrl, name, enqueuer);
      apps.set(name, app);
      // A failed open (database away, org removed) is retried at the next request.
      app.then((a) => a ?? apps.delete(name)).catch(() => apps.delete(name));
    }
    return app;
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const match = PREFIX.exec(url);
    if (!match) {
      if (url === '/fleet.json' || url.startsWith('/fleet.json?'))
        return sendJson(res, 200, await fleetOverview(fleet, databaseUrl, o.logger));
      if (url === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        return void res.end(await fleetMetrics(fleet));
      }
      const names = (await listOrgs(fleet)).map((x) => x.name);
      return sendJson(res, 404, {
        error: 'org_required',
        message: 'Name the organization: /o/<name>/…',
        organizations: names.slice(0, 100),
      });
    }
    const app = await appFor(match[1]!);
    if (!app) return sendJson(res, 404, { error: 'org_not_found', message: `No organization named ${match[1]}` });
    req.url = match[2] ?? '/';
    app.built.app.routing(req, res);
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      o.logger.error({ err }, 'fleet request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal', message: 'Internal error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  }).catch(async (err: NodeJS.ErrnoException) => {
    await fleet.close();
    await enqueuer.close();
    if (err.code === 'EADDRINUSE') throw new FatalError('port_in_use', `Port ${o.port} on ${o.host} is in use`);
    throw err;
  });
  const address = server.address();
  const url = `http://${o.host}:${typeof address === 'object' && address ? address.port : o.port}`;
  return {
    url,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const app of apps.values()) {
        const a = await app.catch(() => null);
        if (a) await a.built.app.close().finally(() => a.db.close());
      }
      await enqueuer.close();
      await fleet.close();
    },
  };
}

async function openApp(
  o: FleetServerOptions,
  fleet: FleetDb,
  databaseUrl: string,
  name: string,
  enqueuer: CycleEnqueuer,
): Promise<OrgApp | null> {
  const org = await findOrg(fleet, name);
  if (!org) return null;
  const db = await openDb({
    databaseUrl,
    logger: o.logger,
    ...(org.schema === 'public' ? {} : { schema: org.schema }),
    maxConnections: o.connectionsPerOrg ?? 2,
  });
  try {
    const built = await buildServer(
      {
        config: o.config,
        logger: o.logger.child({ org: name }),
        db,
        secretBox: o.secretBox,
        runner: queued(enqueuer, name),
      },
      { listenHost: o.host },
    );
    await built.app.ready();
    return { built, db };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** The organization's runner as its app sees it: the workers, reached through the queue. */
const queued = (enqueuer: CycleEnqueuer, org: string): RunnerControl => ({
  nextCycleAt: null,
  syncNow: () => enqueuer.trigger(org, 'manual'),
  pushNow: () => enqueuer.trigger(org, 'push'),
});
