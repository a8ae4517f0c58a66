/**
 * REST API tests run over a lead database filled by the real sync: an emulator, one cycle of the
 * engine, then the one fastify server of the process driven with inject(). An API client and a
 * token are made the way `dynasync api-client create` and a Marketo client make them.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/env.js';
import { silentLogger } from '../../src/config/logger.js';
import type { ApiDeps, RestOptions } from '../../src/api/deps.js';
import { createServer } from '../../src/api/server.js';
import { createApiClient } from '../../src/api/rest/credentials.js';
import type { Db } from '../../src/store/db/types.js';
import { SecretBox } from '../../src/store/secrets.js';
import type { BackendName } from '../helpers/db.js';
import { openWorld, type World } from '../sync/world.js';

export function apiDeps(db: Db, extra: Partial<ApiDeps> = {}): ApiDeps {
  return {
    config: loadConfig({ DYNASYNC_DATA_DIR: '/nonexistent-dynasync-test' }),
    logger: silentLogger(),
    db,
    secretBox: new SecretBox(randomBytes(32)),
    ...extra,
  };
}

export interface Credentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export async function newClient(db: Db, name = `client-${randomBytes(3).toString('hex')}`): Promise<Credentials> {
  const { client, clientSecret } = await createApiClient(db, name);
  return { clientId: client.clientId, clientSecret };
}

/** A token through the identity endpoint, as a Marketo client gets one. */
export async function tokenFor(app: FastifyInstance, c: Credentials): Promise<string> {
  const res = await app.inject({
    url: '/identity/oauth/token',
    query: { grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret },
  });
  if (res.statusCode !== 200) throw new Error(`token: HTTP ${res.statusCode} ${res.body}`);
  return (res.json() as { access_token: string }).access_token;
}

export interface Envelope<T = Record<string, unknown>> {
  requestId: string;
  success: boolean;
  result?: T[];
  errors?: { code: string; message: string }[];
  moreResult?: boolean;
  nextPageToken?: string;
}

export interface ApiWorld {
  readonly w: World;
  readonly app: FastifyInstance;
  readonly token: string;
  get<T = Record<string, unknown>>(path: string, query?: Record<string, string>): Promise<Envelope<T>>;
  post<T = Record<string, unknown>>(path: string, body: unknown): Promise<Envelope<T>>;
  close(): Promise<void>;
}

/** A synced world (emulator seed of `accounts` accounts) behind a REST server with a valid token. */
export async function openApiWorld(
  backend: BackendName,
  opts: { accounts?: number; rest?: RestOptions } = {},
): Promise<ApiWorld> {
  const w = await openWorld(backend, { seed: opts.accounts ?? 5 });
  try {
    const result = await w.cycle();
    if (result.status !== 'success') throw new Error(`the fixture's sync cycle ended ${result.status}`);
    const app = await createServer(apiDeps(w.db, { secretBox: w.box, ...(opts.rest ? { rest: opts.rest } : {}) }));
    const token = await tokenFor(app, await newClient(w.db));
    const auth = { authorization: `Bearer ${token}` };
    return {
      w,
      app,
      token,
      get: async (path, query = {}) => (await app.inject({ url: path, query, headers: auth })).json(),
      post: async (path, body) =>
        (await app.inject({ method: 'POST', url: path, payload: body as object, headers: auth })).json(),
      close: async () => {
        await app.close();
        await w.close();
      },
    };
  } catch (err) {
    await w.close();
    throw err;
  }
}

/** The single error of a failed call, e.g. `['1003', 'Invalid filterType ...']`. */
export function errorOf(e: Envelope<unknown>): [string, string] {
  if (e.success || !e.errors || e.errors.length !== 1) throw new Error(`expected one error, got ${JSON.stringify(e)}`);
  return [e.errors[0]!.code, e.errors[0]!.message];
}
