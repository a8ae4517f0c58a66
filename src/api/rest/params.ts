/** Query parameters as Marketo takes them: comma-separated lists, batch sizes, opaque paging tokens. */
import { RestCode, RestError } from './envelope.js';
import type { LeadFields, RestField } from './fields.js';

/** Write calls take JSON only (Marketo answers 612 to any other body type). */
export function requireJsonBody(contentType: string | undefined): void {
  if (!/^application\/json\b/i.test(contentType ?? ''))
    throw new RestError(RestCode.InvalidContentType, 'Invalid Content Type: send application/json');
}

/** Marketo's batch limit: at most 300 records or filter values per call. */
export const MAX_BATCH = 300;

export type Query = Readonly<Record<string, unknown>>;

/** A single string parameter (a repeated one is refused rather than guessed at). */
export function param(q: Query, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new RestError(RestCode.InvalidData, `Parameter '${name}' must be given once`);
  return v;
}

export function requireParam(q: Query, name: string): string {
  const v = param(q, name)?.trim();
  if (!v) throw new RestError(RestCode.InvalidData, `Parameter '${name}' is required`);
  return v;
}

/** Why a text cannot reach the database (NUL, a lone UTF-16 surrogate), or null when it can. */
export function unstorableText(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character';
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s))
    return 'contains a broken UTF-16 character (a lone surrogate)';
  return null;
}

export const splitList = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

export function batchSize(q: Query): number {
  const raw = param(q, 'batchSize');
  if (raw === undefined || raw.trim() === '') return MAX_BATCH;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new RestError(RestCode.InvalidValue, `Invalid value '${raw}'. Required of type 'Integer'`);
  if (n > MAX_BATCH) throw new RestError(RestCode.InvalidData, `batchSize must be at most ${MAX_BATCH}`);
  return n;
}

export function integers(values: readonly string[], what: string): number[] {
  return values.map((v) => {
    const n = Number(v);
    if (!/^\d{1,15}$/.test(v) || !Number.isSafeInteger(n)) {
      throw new RestError(RestCode.InvalidValue, `Invalid value '${v}' for ${what}. Required of type 'Integer'`);
    }
    return n;
  });
}

/** Requested fields, each checked against the known fields (unknown: 1006). */
export function fieldList(q: Query, known: LeadFields, defaults: readonly string[]): RestField[] {
  const names = splitList(param(q, 'fields'));
  const wanted = names.length > 0 ? names : defaults.filter((d) => known.get(d));
  return wanted.map((name) => {
    const f = known.get(name);
    if (!f) throw new RestError(RestCode.FieldNotFound, `Field '${name.slice(0, 100)}' not found`);
    return f;
  });
}

// Paging tokens are opaque to clients: base64url of a small versioned JSON cursor.
interface Cursor {
  readonly v: 1;
  readonly k: string;
  readonly a: number;
}

export function encodeToken(kind: string, afterId: number): string {
  return Buffer.from(JSON.stringify({ v: 1, k: kind, a: afterId } satisfies Cursor)).toString('base64url');
}

/** The id the next page starts after; 0 without a token. A token of another kind is refused. */
export function decodeToken(raw: string | undefined, kind: string): number {
  if (raw === undefined || raw.trim() === '') return 0;
  try {
    const c = JSON.parse(Buffer.from(raw.trim(), 'base64url').toString('utf8')) as Partial<Cursor>;
    if (c.v === 1 && c.k === kind && Number.isSafeInteger(c.a) && (c.a as number) >= 0) return c.a as number;
  } catch {
    // fall through: not one of ours
  }
  throw new RestError(RestCode.InvalidData, 'Invalid nextPageToken');
}
