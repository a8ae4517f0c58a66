/**
 * `dynasync serve`: the HTTP server alone (REST API, admin UI, metrics, docs). `run` and `demo`
 * start the same server next to their runner through withServer, so sync-now reaches it.
 */
import type { Command } from 'commander';
import { createApiClient } from '../../api/rest/credentials.js';
import { startServer, type RunningServer } from '../../api/server.js';
import { startLocalAdmin } from '../../api/local/server.js';
import type { RunnerControl } from '../../api/deps.js';
import { InvalidInputError } from '../../domain/index.js';
import type { Db } from '../../store/db/types.js';
import { print, type CliContext } from '../context.js';
import { serveFleetIfMany } from './serve-fleet.js';

export interface ServeOptions {
  readonly port: string;
  readonly host: string;
  /** False with --no-serve. */
  readonly serve?: boolean;
}

export function parseHttpPort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new InvalidInputError('invalid_port', `--port must be 0 to 65535, got ${JSON.stringify(raw)}`);
  return port;
}

/** --port and --host, defaulting to DYNASYNC_HTTP_PORT / DYNASYNC_HTTP_HOST (8080 on 127.0.0.1). */
export function addServerOptions(cmd: Command, ctx: CliContext, opts: { optional: boolean }): Command {
  cmd
    .option(
      '--port <port>',
      'HTTP port of the API and web UI (0: any free port)',
      String(ctx.config.http?.port ?? 8080),
    )
    .option('--host <host>', 'address to listen on', ctx.config.http?.host ?? '127.0.0.1');
  return opts.optional ? cmd.option('--no-serve', 'do not start the HTTP server') : cmd;
}

/** Starts the server over this database; `runner` answers sync-now and the next-cycle countdown. */
export async function serveDb(
  ctx: CliContext,
  db: Db,
  o: ServeOptions,
  runner?: RunnerControl,
): Promise<RunningServer> {
  const server = await startServer(
    { config: ctx.config, logger: ctx.logger, db, secretBox: ctx.secretBox(), ...(runner ? { runner } : {}) },
    o.host,
    parseHttpPort(o.port),
  );
  print(
    ctx,
    `API and web UI: ${server.url}/  (REST: ${server.url}/rest/v1, docs: ${server.url}/docs, metrics: ${server.url}/metrics)`,
  );
  if (server.setupCode)
    print(
      ctx,
      `First sign-in: open ${server.url}/login and enter the one-time setup code ${server.setupCode} to choose the admin password.`,
    );
  return server;
}

/**
 * Runs fn with the server up (unless --no-serve) and closes it after. The runner does not exist yet
 * when the server starts: fn gets `attach` to hand it over once it does.
 */
export async function withServer<T>(
  ctx: CliContext,
  db: Db,
  o: ServeOptions,
  fn: (attach: (runner: RunnerControl) => void, url: string | null) => Promise<T>,
): Promise<T> {
  let attached: RunnerControl | null = null;
  // A sync-now that arrives before the runner is attached is kept and handed over, not dropped.
  let pendingNow = false;
  const runner: RunnerControl = {
    get nextCycleAt() {
      return attached?.nextCycleAt ?? null;
    },
    get health() {
      return attached?.health ?? null;
    },
    syncNow: () => {
      if (attached) attached.syncNow();
      else pendingNow = true;
    },
    // Before the runner is attached the trigger stays in push_state; the runner's poll finds it.
    pushNow: () => attached?.pushNow?.(),
  };
  const server = o.serve === false ? null : await serveDb(ctx, db, o, runner);
  try {
    return await fn((r) => {
      attached = r;
      if (pendingNow) r.syncNow();
    }, server?.url ?? null);
  } finally {
    await server?.close();
  }
}

/**
 * The demo's REST API client, made at start (its database is new each time) so a new user can call
 * the API at once: with embedded PGlite no second process may open the database while it runs.
 */
export async function printDemoApiClient(ctx: CliContext, db: Db, url: string): Promise<void> {
  const { client, clientSecret } = await createApiClient(db, 'demo');
  print(
    ctx,
    `REST API client 'demo': curl '${url}/identity/oauth/token?grant_type=client_credentials&client_id=${client.clientId}&client_secret=${clientSecret}'`,
  );
}

/**
 * Runs fn with the local admin socket open when this process holds an embedded (PGlite) data
 * directory, so `api-client` and `admin-user` work from another shell meanwhile (cli/local-admin.ts).
 */
export async function withLocalAdmin<T>(ctx: CliContext, db: Db, fn: () => Promise<T>): Promise<T> {
  const local = db.kind === 'pglite' ? await startLocalAdmin(db, ctx.config.dataDir, ctx.logger) : null;
  try {
    return await fn();
  } finally {
    await local?.close();
  }
}

/** Resolves on SIGINT or SIGTERM. */
const untilSignal = (): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });

export function registerServe(program: Command, ctx: CliContext): void {
  addServerOptions(
    program
      .command('serve')
      .description('serve the REST API, the web UI, /metrics and /docs (no sync: use `run` for both)'),
    ctx,
    { optional: false },
  ).action(async (o: ServeOptions) => {
    if (await serveFleetIfMany(ctx, { host: o.host, port: parseHttpPort(o.port) }, untilSignal)) return;
    await ctx.withStore((db) =>
      withLocalAdmin(ctx, db, async () => {
        const server = await serveDb(ctx, db, o);
        try {
          await untilSignal();
        } finally {
          await server.close();
        }
      }),
    );
  });
}
