/**
 * multipart/mixed for $batch: parsing requests (top-level parts and change sets of application/http
 * parts) and writing `batchresponse_<guid>` bodies in the layout dynamics-web-api's parser expects:
 * the body opens with the delimiter line, and a change set part has exactly one header line.
 */
import type { EmuResponse } from '../http/types.js';

export interface HttpPart {
  contentId?: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export type BatchItem = { kind: 'request'; request: HttpPart } | { kind: 'changeset'; requests: HttpPart[] };

export function boundaryOf(contentType: string | undefined): string | undefined {
  return contentType ? /boundary\s*=\s*"?([^";]+)"?/i.exec(contentType)?.[1]?.trim() : undefined;
}

function splitParts(body: string, boundary: string): string[] {
  const chunks = body.split(`--${boundary}`);
  chunks.shift();
  const parts: string[] = [];
  for (const chunk of chunks) {
    if (chunk.startsWith('--')) break;
    parts.push(chunk.replace(/^[ \t]*\r?\n/, '').replace(/\r?\n$/, ''));
  }
  return parts;
}

/** Splits `headers CRLF CRLF rest`; header names lower-cased. */
function splitHeaders(text: string): { headers: Record<string, string>; rest: string } {
  const m = /\r?\n\r?\n/.exec(text);
  const head = m ? text.slice(0, m.index) : text;
  const rest = m ? text.slice(m.index + m[0].length) : '';
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { headers, rest };
}

function parseHttp(partHeaders: Record<string, string>, content: string): HttpPart {
  const lines = content.replace(/^(\r?\n)+/, '');
  const eol = /\r?\n/.exec(lines);
  const requestLine = eol ? lines.slice(0, eol.index) : lines;
  const [method = '', url = ''] = requestLine.trim().split(/\s+/);
  const { headers, rest } = splitHeaders(eol ? lines.slice(eol.index + eol[0].length) : '');
  const contentId = partHeaders['content-id'] ?? headers['content-id'];
  return { ...(contentId ? { contentId } : {}), method: method.toUpperCase(), url, headers, body: rest.trim() };
}

export function parseBatch(body: string, boundary: string): BatchItem[] {
  return splitParts(body, boundary).map((part): BatchItem => {
    const { headers, rest } = splitHeaders(part);
    const inner = boundaryOf(headers['content-type']);
    if (inner && /multipart\/mixed/i.test(headers['content-type'] ?? '')) {
      return {
        kind: 'changeset',
        requests: splitParts(rest, inner).map((p) => {
          const h = splitHeaders(p);
          return parseHttp(h.headers, h.rest);
        }),
      };
    }
    return { kind: 'request', request: parseHttp(headers, rest) };
  });
}

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

const HEADER_NAMES: Record<string, string> = {
  'content-type': 'Content-Type',
  'odata-version': 'OData-Version',
  'odata-entityid': 'OData-EntityId',
  'preference-applied': 'Preference-Applied',
  etag: 'ETag',
  location: 'Location',
  'retry-after': 'Retry-After',
};

/** One embedded HTTP response: `HTTP/1.1 200 OK`, its headers, a blank line, the body. */
export function httpResponsePart(res: EmuResponse, contentId?: string): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (contentId) lines.push(`Content-ID: ${contentId}`);
  lines.push('', `HTTP/1.1 ${res.status} ${REASONS[res.status] ?? 'Unknown'}`);
  const body =
    res.body === undefined
      ? ''
      : typeof res.body === 'string'
        ? res.body
        : Buffer.isBuffer(res.body)
          ? res.body.toString('utf8')
          : JSON.stringify(res.body);
  const headers: Record<string, string> = { 'odata-version': '4.0', ...res.headers };
  if (body && !headers['content-type']) headers['content-type'] = 'application/json; odata.metadata=minimal';
  for (const [k, v] of Object.entries(headers)) lines.push(`${HEADER_NAMES[k.toLowerCase()] ?? k}: ${v}`);
  lines.push('', body);
  return lines.join('\r\n');
}

export function multipartBody(boundary: string, parts: string[]): string {
  return `${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('')}--${boundary}--\r\n`;
}
