/**
 * One part of a $batch as a request: its URL made relative to the API root, its JSON body parsed,
 * and `$n` Content-ID references replaced by the URI the referenced request created, in the URL
 * (`PATCH $1`, `PUT $1/lastname`) and in the body (`"x@odata.bind": "$1"`, `"@odata.id": "$1"`).
 */
import { API_PATH, DvCode } from '../../wire/index.js';
import { DataverseHttpError, badRequest } from '../errors.js';
import { parseResourcePath } from '../http/resource-path.js';
import type { EmuRequest } from '../http/types.js';
import type { HttpPart } from './multipart.js';

const METHODS = ['GET', 'POST', 'PATCH', 'DELETE', 'PUT'];
const REF = /^\$([A-Za-z0-9_.-]+)/;

const unknownRef = (ref: string) =>
  badRequest(`Content-ID Reference: '$${ref}' does not exist in the batch context.`, DvCode.QueryValidation);

function resolveRef(text: string, refs: ReadonlyMap<string, string>): string {
  const m = REF.exec(text);
  if (!m) return text;
  const uri = refs.get(m[1]!);
  if (uri === undefined) throw unknownRef(m[1]!);
  return uri + text.slice(m[0].length);
}

function resolveBody(body: unknown, refs: ReadonlyMap<string, string>): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    out[k] = (k.endsWith('@odata.bind') || k === '@odata.id') && typeof v === 'string' ? resolveRef(v, refs) : v;
  }
  return out;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('The request body of a batch part is not valid JSON.', DvCode.QueryValidation);
  }
}

export function innerRequest(outer: EmuRequest, part: HttpPart, refs: ReadonlyMap<string, string>): EmuRequest {
  if (!METHODS.includes(part.method)) {
    throw new DataverseHttpError(405, DvCode.InvalidArgument, `Method ${part.method} not allowed.`);
  }
  let url = resolveRef(part.url, refs);
  let baseUrl = outer.baseUrl;
  if (/^https?:\/\//i.test(url)) {
    const u = new URL(url);
    baseUrl = `${u.origin}${API_PATH}/`;
    url = u.pathname + u.search;
  }
  const at = url.indexOf(`${API_PATH}/`);
  const rest = at >= 0 ? url.slice(at + API_PATH.length + 1) : url.replace(/^\/+/, '');
  const q = rest.indexOf('?');
  return {
    method: part.method as EmuRequest['method'],
    path: parseResourcePath(q === -1 ? rest : rest.slice(0, q)),
    query: new URLSearchParams(q === -1 ? '' : rest.slice(q + 1)),
    headers: part.headers,
    body: resolveBody(parseJson(part.body), refs),
    principal: outer.principal,
    baseUrl,
  };
}
