/**
 * Many emulated organizations behind one port (issue 13 §3). Dataverse gives each organization its
 * own URL (`https://<org>.crm.dynamics.com`); here an organization is reached either by path prefix,
 * `http://127.0.0.1:<port>/<org>` (its Web API at `/<org>/api/data/v9.2/`), or by host name, `http://<org>.<anything>:<port>` (the first
 * label of a Host that is not an IP address or `localhost`), which is Dataverse's own shape but
 * needs a name resolving to this machine. Tests and the bench use the prefix: nothing to resolve.
 * Each organization is also its own Entra tenant, named as the organization: its token endpoint is
 * `/<org>/oauth2/v2.0/token` at the fleet's root, so a client's authority is the fleet's URL and
 * its tenant the organization's name, as msal builds it (an authority with a path would not be).
 *
 * Each organization is a whole emulator (build.ts: its own identities and token key, data, seed,
 * limits, webhooks, faults), built on its first request: a registered organization that was never
 * called costs one map entry. Organizations are registered up front, by `POST /_fleet/orgs`, or on
 * their first request when `lazy` (the default options then apply).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildEmulator, type BuiltEmulator } from '../build.js';
import type { EmulatorContext } from '../context.js';
import type { EmulatorOptions } from '../options.js';
import type { WebhookService } from '../webhooks/service.js';
import { handleFleetAdmin, parseOrgOptions } from './admin.js';

export const ORG_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface EmulatorFleetOptions {
  /** 0 picks a free port (the default). */
  readonly port?: number;
  readonly host?: string;
  /** Options of an organization registered without its own (lazily, or by name only). */
  readonly defaults?: EmulatorOptions;
  /** Create an unknown organization on its first request. Default true. */
  readonly lazy?: boolean;
  /** Organizations registered up front: names (the defaults) or name → options. */
  readonly orgs?: readonly string[] | Readonly<Record<string, EmulatorOptions>>;
}

export interface FleetOrg {
  readonly name: string;
  /** The organization URL a connection names (`http://127.0.0.1:<port>/<name>`). */
  readonly url: string;
  /** The token authority of a connection: the fleet's URL (the tenant names the organization). */
  readonly authority: string;
  /** The organization's Entra tenant: its name. */
  readonly tenant: string;
  readonly tokenEndpoint: string;
  readonly ctx: EmulatorContext;
  readonly webhooks: WebhookService;
}

export interface EmulatorFleet {
  readonly url: string;
  readonly port: number;
  /** The organization URL of `name` (whether or not it exists yet). */
  urlOf(name: string): string;
  /** Registers an organization (built on first use); false when the name is taken. */
  add(name: string, options?: EmulatorOptions): boolean;
  /** The organization, built now if it was not yet; undefined when unknown and not lazy. */
  org(name: string): Promise<FleetOrg | undefined>;
  remove(name: string): Promise<boolean>;
  stats(): { registered: number; built: number };
  close(): Promise<void>;
}

interface Entry {
  readonly options: EmulatorOptions;
  built?: Promise<BuiltEmulator>;
}

const IP_OR_LOCAL = /^(\d+\.\d+\.\d+\.\d+|\[[0-9a-f:.]+\]|localhost)(:\d+)?$/i;

/** The organization a request names, and the path left for its own app. */
function route(req: IncomingMessage): { name: string; rest: string; base: string } | undefined {
  const url = req.url ?? '/';
  const host = req.headers.host ?? '';
  if (host && !IP_OR_LOCAL.test(host)) {
    const label = host.split('.')[0]!.toLowerCase();
    if (host.includes('.') && ORG_NAME.test(label)) return { name: label, rest: url, base: '' };
  }
  const m = /^\/([a-z0-9][a-z0-9-]{0,62})(\/[^]*)?$/.exec(url.split('?')[0]!);
  if (!m) return undefined;
  const name = m[1]!;
  if (name === 'api') return undefined; // a request without an organization prefix
  const rest = url.slice(name.length + 1) || '/';
  // Entra's paths start with the tenant, which is the organization's name: left as they are.
  if (/^\/(oauth2|v2\.0|discovery)\//.test(rest)) return { name, rest: url, base: '' };
  return { name, rest, base: `/${name}` };
}

export async function startEmulatorFleet(o: EmulatorFleetOptions = {}): Promise<EmulatorFleet> {
  const host = o.host ?? '127.0.0.1';
  const lazy = o.lazy ?? true;
  const entries = new Map<string, Entry>();
  let url = '';

  const add = (name: string, options?: EmulatorOptions): boolean => {
    if (!ORG_NAME.test(name) || name === 'api')
      throw new RangeError(`invalid organization name ${JSON.stringify(name)}`);
    if (entries.has(name)) return false;
    entries.set(name, { options: { ...o.defaults, ...options } });
    return true;
  };
  if (Array.isArray(o.orgs)) for (const n of o.orgs) add(n);
  else if (o.orgs) for (const [n, opts] of Object.entries(o.orgs)) add(n, opts);

  const built = (name: string): Promise<BuiltEmulator> | undefined => {
    let entry = entries.get(name);
    if (!entry) {
      if (!lazy) return undefined;
      add(name);
      entry = entries.get(name)!;
    }
    if (!entry.built) {
      const e = entry;
      e.built = buildEmulator(e.options, name).then(async (b) => {
        b.webhooks.organizationHost = `${name}.${new URL(url).host}`;
        await b.app.ready();
        return b;
      });
      e.built.catch(() => delete e.built); // built again at the next request
    }
    return entry.built;
  };

  const urlOf = (name: string) => `${url}/${name}`;
  const org = async (name: string): Promise<FleetOrg | undefined> => {
    const b = await built(name);
    if (!b) return undefined;
    const orgUrl = urlOf(name);
    return {
      name,
      url: orgUrl,
      authority: url,
      tenant: b.ctx.org.tenant,
      tokenEndpoint: `${url}/${b.ctx.org.tenant}/oauth2/v2.0/token`,
      ctx: b.ctx,
      webhooks: b.webhooks,
    };
  };
  const remove = async (name: string): Promise<boolean> => {
    const entry = entries.get(name);
    if (!entry) return false;
    entries.delete(name);
    const b = await entry.built?.catch(() => undefined);
    await b?.close();
    return true;
  };
  const stats = () => ({
    registered: entries.size,
    built: [...entries.values()].filter((e) => e.built).length,
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if ((req.url ?? '').startsWith('/_fleet/')) {
      return handleFleetAdmin(req, res, {
        add: (name, body) => add(name, parseOrgOptions(body)),
        remove,
        list: () => [...entries].map(([name, e]) => ({ name, url: urlOf(name), built: e.built !== undefined })),
        stats,
      });
    }
    const target = route(req);
    const app = target ? await built(target.name) : undefined;
    if (!target || !app) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: { code: '0x80060888', message: 'No such organization.' } }));
    }
    req.url = target.rest;
    (req as { emulatorBase?: string }).emulatorBase = target.base;
    app.app.routing(req, res);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: '0x80040216', message: String(err) } }));
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${host}:${port}`;
  return {
    url,
    port,
    urlOf,
    add,
    org,
    remove,
    stats,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const name of [...entries.keys()]) await remove(name);
    },
  };
}
