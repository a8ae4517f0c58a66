/**
 * The whole emulator (startEmulator) driven with plain fetch: signs users in at its token endpoint,
 * sends Web API requests and $batch bodies as a client would write them by hand.
 */
import { createAdmin, type EmulatorAdmin } from '../../../src/emulator/faults/admin.js';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../../src/emulator/index.js';
import { postForm } from './control-plane-fakes.js';

export type Row = Record<string, unknown>;

export interface EmulatorClient {
  readonly emu: EmulatorHandle;
  readonly admin: EmulatorAdmin;
  /** `http://127.0.0.1:port/api/data/v9.2/` */
  readonly api: string;
  token(user: string): Promise<string>;
  /** A Web API request relative to the API root, as `user` (default: the sync user). */
  send(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    user?: string,
  ): Promise<Response>;
  userId(name: string): string;
  close(): Promise<void>;
}

export const SYNC = 'sync@contoso.test';

export async function startClient(options: EmulatorOptions = {}): Promise<EmulatorClient> {
  const emu = await startEmulator({ port: 0, seed: 'small', ...options });
  const api = `${emu.url}/api/data/v9.2/`;
  const tokens = new Map<string, string>();
  const token = async (user: string): Promise<string> => {
    const cached = tokens.get(user);
    if (cached) return cached;
    const res = await postForm(emu.tokenEndpoint, {
      grant_type: 'password',
      client_id: 'dynasync-local',
      username: user,
      password: 'Passw0rd!',
      scope: `${emu.url}/.default`,
    });
    const body = (await res.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`no token for ${user}: ${JSON.stringify(body)}`);
    tokens.set(user, body.access_token);
    return body.access_token;
  };
  const send = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    user = SYNC,
  ) =>
    fetch(path.startsWith('http') ? path : api + path, {
      method,
      headers: {
        authorization: `Bearer ${await token(user)}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const userId = (name: string): string => {
    const id = emu.ctx.identity.userIdByName(name);
    if (!id) throw new Error(`no user ${name}`);
    return id;
  };
  return { emu, admin: createAdmin(emu.ctx), api, token, send, userId, close: () => emu.close() };
}

/** One request of a $batch body; `contentId` declares `$n` for later requests of its change set. */
export interface BatchRequest {
  method: string;
  url: string;
  body?: unknown;
  contentId?: string;
  headers?: Record<string, string>;
}

export type BatchItem = BatchRequest | { changeset: BatchRequest[] };

function part(r: BatchRequest): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (r.contentId) lines.push(`Content-ID: ${r.contentId}`);
  lines.push('', `${r.method} ${r.url} HTTP/1.1`);
  if (r.body !== undefined) lines.push('Content-Type: application/json; type=entry');
  for (const [k, v] of Object.entries(r.headers ?? {})) lines.push(`${k}: ${v}`);
  lines.push('', r.body === undefined ? '' : JSON.stringify(r.body));
  return lines.join('\r\n');
}

/** A multipart/mixed $batch body in the layout of Microsoft's examples. */
export function batchBody(items: BatchItem[], boundary = 'batch_test'): { body: string; contentType: string } {
  let out = '';
  items.forEach((item, i) => {
    out += `--${boundary}\r\n`;
    if ('changeset' in item) {
      const cs = `changeset_${i}`;
      out += `Content-Type: multipart/mixed; boundary=${cs}\r\n\r\n`;
      for (const r of item.changeset) out += `--${cs}\r\n${part(r)}\r\n`;
      out += `--${cs}--\r\n`;
    } else {
      out += `${part(item)}\r\n`;
    }
  });
  out += `--${boundary}--\r\n`;
  return { body: out, contentType: `multipart/mixed; boundary="${boundary}"` };
}

export interface BatchPart {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Every embedded HTTP response of a batch response, in order (change set parts flattened). */
export function batchParts(text: string): BatchPart[] {
  const out: BatchPart[] = [];
  for (const m of text.matchAll(/HTTP\/1\.1 (\d{3})[^\r\n]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*?)(?=\r\n--)/g)) {
    const headers: Record<string, string> = {};
    for (const line of m[2]!.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    out.push({ status: Number(m[1]), headers, body: m[3]!.trim() });
  }
  return out;
}

export async function sendBatch(
  c: EmulatorClient,
  items: BatchItem[],
  headers: Record<string, string> = {},
  user = SYNC,
) {
  const { body, contentType } = batchBody(items);
  const res = await c.send('POST', '$batch', body, { 'content-type': contentType, ...headers }, user);
  const text = await res.text();
  return { res, text, parts: batchParts(text) };
}
