/**
 * The process's one HTTP server (REST API, admin API, web UI) over a lead database filled by a
 * real sync of the emulator, with a stored connection, driven through fastify's inject(). Its log
 * is captured, so a test can also prove that what it sent never reached a log line.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createServer } from '../../../src/api/server.js';
import type { RestOptions } from '../../../src/api/deps.js';
import { createApiClient } from '../../../src/api/rest/credentials.js';
import { loadConfig } from '../../../src/config/env.js';
import { startEmulator, type EmulatorHandle } from '../../../src/emulator/index.js';
import { saveConnection } from '../../../src/store/connection-repo.js';
import { SecretBox } from '../../../src/store/secrets.js';
import { EngineHarness } from './engine.js';

export const ADMIN_PASSWORD = `admin-${randomBytes(9).toString('hex')}`;
/** The Host inject() sends: the origin the admin guard accepts. */
export const ORIGIN = 'http://localhost:80';

export interface HttpWorld {
  readonly emu: EmulatorHandle;
  readonly h: EngineHarness;
  readonly box: SecretBox;
  server(rest?: RestOptions): Promise<FastifyInstance>;
  apiClient(): Promise<{ clientId: string; clientSecret: string }>;
  close(): Promise<void>;
}

export async function openHttpWorld(): Promise<HttpWorld> {
  const emu = await startEmulator({ port: 0, seed: 'small' });
  const h = await EngineHarness.create(emu, { logLevel: 'trace' });
  const cycle = await h.cycle();
  if (cycle.status !== 'success') throw new Error(`fixture sync ended ${cycle.status}`);
  const box = new SecretBox(randomBytes(32));
  await saveConnection(h.db, box, {
    orgUrl: emu.url,
    authKind: 'password',
    username: 'sync@contoso.test',
    clientId: 'dynasync-local',
    tenant: 'contoso',
    authority: emu.url,
    secrets: { password: 'Passw0rd!' },
  });
  const servers: FastifyInstance[] = [];
  return {
    emu,
    h,
    box,
    server: async (rest) => {
      const config = loadConfig({
        DYNASYNC_DATA_DIR: '/nonexistent-dynasync',
        DYNASYNC_ADMIN_PASSWORD: ADMIN_PASSWORD,
      });
      const app = await createServer({ config, logger: h.logger, db: h.db, secretBox: box, ...(rest ? { rest } : {}) });
      servers.push(app);
      return app;
    },
    apiClient: async () => {
      const { client, clientSecret } = await createApiClient(h.db, `rel-${randomBytes(3).toString('hex')}`);
      return { clientId: client.clientId, clientSecret };
    },
    close: async () => {
      for (const s of servers) await s.close();
      await h.close();
      await emu.close();
    },
  };
}

export async function restToken(app: FastifyInstance, c: { clientId: string; clientSecret: string }): Promise<string> {
  const res = await app.inject({
    url: '/identity/oauth/token',
    query: { grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret },
  });
  if (res.statusCode !== 200) throw new Error(`token: ${res.statusCode} ${res.body}`);
  return (res.json() as { access_token: string }).access_token;
}

export interface AdminSession {
  readonly cookie: string;
  readonly csrf: string;
  send(opts: InjectOptions): Promise<LightMyRequestResponse>;
}

/** Signs in to the admin UI as the browser does; later requests replay its cookie (and CSRF token and Origin when changing state). */
export async function signIn(app: FastifyInstance): Promise<AdminSession> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/login',
    headers: { origin: ORIGIN },
    payload: { password: ADMIN_PASSWORD },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in: ${res.statusCode} ${res.body}`);
  const setCookie = res.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie[0]! : setCookie!).split(';')[0]!;
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return {
    cookie,
    csrf,
    send: (opts) => {
      const changing = opts.method !== undefined && !['GET', 'HEAD', 'OPTIONS'].includes(opts.method);
      return app.inject({
        ...opts,
        headers: { cookie, ...(changing ? { 'x-csrf-token': csrf, origin: ORIGIN } : {}), ...opts.headers },
      });
    },
  };
}
