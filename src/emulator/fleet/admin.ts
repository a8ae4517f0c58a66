/**
 * The fleet's own admin routes (fleet/front.ts), beside every organization's own `/_emulator`:
 *   GET    /_fleet/orgs           the organizations, and whether each was built (called) yet
 *   POST   /_fleet/orgs           {name, seed?, seedValue?, limits?, users?, costModel?, changeTrackingExpiryDays?, enableAdmin?}
 *   DELETE /_fleet/orgs/<name>    drops the organization and its data
 *   GET    /_fleet/stats          {registered, built, heapUsedMb, rssMb}
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorOptions } from '../options.js';

export interface FleetAdminPort {
  add(name: string, body: Record<string, unknown>): boolean;
  remove(name: string): Promise<boolean>;
  list(): { name: string; url: string; built: boolean }[];
  stats(): { registered: number; built: number };
}

const OPTION_KEYS = [
  'seed',
  'seedValue',
  'limits',
  'users',
  'costModel',
  'changeTrackingExpiryDays',
  'enableAdmin',
  'syncFilterColumn',
  'tokenLifetimeSeconds',
] as const;

/** The emulator options a POST names (only these keys; the emulator validates their values). */
export function parseOrgOptions(body: Record<string, unknown>): EmulatorOptions {
  const out: Record<string, unknown> = {};
  for (const k of OPTION_KEYS) if (body[k] !== undefined) out[k] = body[k];
  return out as EmulatorOptions;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  const v: unknown = text ? JSON.parse(text) : {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TypeError('a JSON object is expected');
  return v as Record<string, unknown>;
}

export async function handleFleetAdmin(req: IncomingMessage, res: ServerResponse, port: FleetAdminPort): Promise<void> {
  const path = (req.url ?? '').split('?')[0]!;
  const method = req.method ?? 'GET';
  if (path === '/_fleet/orgs' && method === 'GET') return send(res, 200, { value: port.list() });
  if (path === '/_fleet/stats' && method === 'GET') {
    const mem = process.memoryUsage();
    const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
    return send(res, 200, { ...port.stats(), heapUsedMb: mb(mem.heapUsed), rssMb: mb(mem.rss) });
  }
  if (path === '/_fleet/orgs' && method === 'POST') {
    let body: Record<string, unknown>;
    try {
      body = await readJson(req);
    } catch (err) {
      return send(res, 400, { error: 'invalid_body', message: (err as Error).message });
    }
    const name = typeof body.name === 'string' ? body.name : '';
    try {
      if (!port.add(name, body)) return send(res, 409, { error: 'exists', message: `${name} exists` });
    } catch (err) {
      return send(res, 400, { error: 'invalid_name', message: (err as Error).message });
    }
    return send(res, 201, { name });
  }
  const m = /^\/_fleet\/orgs\/([^/]+)$/.exec(path);
  if (m && method === 'DELETE') {
    return (await port.remove(decodeURIComponent(m[1]!)))
      ? send(res, 204, undefined)
      : send(res, 404, { error: 'not_found', message: 'No such organization' });
  }
  return send(res, 404, { error: 'not_found', message: 'Unknown fleet admin route' });
}
