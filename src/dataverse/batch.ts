/**
 * `$batch` for the sender: change sets of writes in one multipart/mixed request, and their answers.
 * One change set per person, so a person's writes are one transaction in Dynamics; with
 * `Prefer: odata.continue-on-error` a refused change set answers alone and the others go on.
 * Every request inside a batch counts against the user's service protection limits like a single
 * one; the batch saves round trips, not budget.
 */
import { randomUUID } from 'node:crypto';
import { DvCode } from '../wire/index.js';
import { MalformedResponseError } from './errors.js';
import type { WebApiSession } from './session.js';

export const MAX_BATCH_REQUESTS = 1000;

export interface BatchWrite {
  readonly method: 'PATCH' | 'POST' | 'DELETE';
  /** Relative to the API root, e.g. `leads(<id>)?$select=versionnumber`. */
  readonly target: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface BatchAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** A create answered "Cannot insert duplicate key": the record with that primary key exists already. */
export const isDuplicateKey = (a: BatchAnswer): boolean =>
  a.status === 412 && (a.body as { error?: { code?: string } } | null)?.error?.code === DvCode.DuplicateRecord;

/** The request body: one change set per entry of `sets`, each request with its Content-ID. */
export function encodeBatch(
  sets: readonly (readonly BatchWrite[])[],
  apiUrl: string,
): { contentType: string; text: string } {
  const boundary = `batch_${randomUUID()}`;
  const base = new URL(apiUrl).pathname.replace(/\/?$/, '/');
  let contentId = 0;
  const parts = sets.map((writes) => {
    const cs = `changeset_${randomUUID()}`;
    const inner = writes.map((w) => {
      const lines = [
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        `Content-ID: ${++contentId}`,
        '',
        `${w.method} ${base}${w.target} HTTP/1.1`,
      ];
      for (const [k, v] of Object.entries(w.headers ?? {})) lines.push(`${k}: ${v}`);
      if (w.body !== undefined) lines.push('Content-Type: application/json; type=entry');
      lines.push('', w.body === undefined ? '' : JSON.stringify(w.body));
      return `--${cs}\r\n${lines.join('\r\n')}\r\n`;
    });
    return `--${boundary}\r\nContent-Type: multipart/mixed; boundary=${cs}\r\n\r\n${inner.join('')}--${cs}--\r\n`;
  });
  return { contentType: `multipart/mixed; boundary=${boundary}`, text: `${parts.join('')}--${boundary}--\r\n` };
}

const boundaryOf = (contentType: string | null | undefined): string | undefined =>
  contentType ? /boundary\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1] : undefined;

function splitParts(body: string, boundary: string): string[] {
  const chunks = body.split(`--${boundary}`);
  chunks.shift();
  const out: string[] = [];
  for (const c of chunks) {
    if (c.startsWith('--')) break;
    out.push(c.replace(/^[ \t]*\r?\n/, ''));
  }
  return out;
}

function splitHead(text: string): { headers: Record<string, string>; rest: string } {
  const m = /\r?\n\r?\n/.exec(text);
  const head = m ? text.slice(0, m.index) : text;
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { headers, rest: m ? text.slice(m.index + m[0].length) : '' };
}

function answerOf(part: string): BatchAnswer {
  const { rest } = splitHead(part); // the part's own headers (application/http)
  const statusLine = /^HTTP\/1\.1\s+(\d{3})/.exec(rest.trimStart());
  if (!statusLine) throw new MalformedResponseError('A $batch answer part has no HTTP status line.');
  const afterLine = rest.trimStart().replace(/^[^\r\n]*\r?\n/, '');
  const { headers, rest: body } = splitHead(afterLine);
  const text = body.trim();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new MalformedResponseError('A $batch answer part carries a body that is not JSON.');
    }
  }
  return { status: Number(statusLine[1]), headers, body: parsed };
}

/** The answers, one list per change set in request order (a refused change set answers with one error). */
export function decodeBatch(contentType: string | null, text: string): BatchAnswer[][] {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new MalformedResponseError('The $batch answer is not multipart/mixed.');
  return splitParts(text, boundary).map((part) => {
    const { headers, rest } = splitHead(part);
    const inner = /multipart\/mixed/i.test(headers['content-type'] ?? '')
      ? boundaryOf(headers['content-type'])
      : undefined;
    return inner ? splitParts(rest, inner).map(answerOf) : [answerOf(part)];
  });
}

/** Sends the change sets as one `$batch` through the session (throttle, retries, token). */
export async function sendBatch(
  session: WebApiSession,
  sets: readonly (readonly BatchWrite[])[],
  signal?: AbortSignal,
): Promise<BatchAnswer[][]> {
  if (sets.reduce((n, s) => n + s.length, 0) > MAX_BATCH_REQUESTS) {
    throw new RangeError(`A $batch holds at most ${MAX_BATCH_REQUESTS} requests.`);
  }
  const raw = encodeBatch(sets, session.apiUrl);
  return session.call(
    { method: 'POST', target: '$batch', raw, prefer: ['odata.continue-on-error'], accept: 'multipart/mixed', signal },
    (res) => decodeBatch(res.headers.get('content-type'), res.text),
  );
}
