/**
 * One page of a change-tracked read, as the sync consumes it: rows in wire format, deletes split
 * out, and the link to resume from. Parsing is strict where the sync depends on it (a page without
 * a `value` array would look like "no changes") and lenient elsewhere.
 */
import { isDeletedEntity, type WireRow } from '../wire/index.js';
import { MalformedResponseError } from './errors.js';
import type { HttpResponse } from './http.js';

export interface ReadPage {
  rows: WireRow[];
  /** Primary keys of rows deleted since the delta token (delta reads only). */
  deletedIds: string[];
  nextLink: string | null;
  deltaLink: string | null;
  /** True when this page answers a deltaLink (changes only), false for a full read. */
  isDelta: boolean;
}

export function parseJson(res: HttpResponse): unknown {
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) {
    throw new MalformedResponseError(
      `Expected JSON from Dataverse, got '${type || 'no content type'}' (HTTP ${res.status}).`,
    );
  }
  try {
    return JSON.parse(res.text) as unknown;
  } catch (e) {
    throw new MalformedResponseError(`Dataverse sent malformed JSON (${res.text.length} bytes).`, { cause: e });
  }
}

export function toReadPage(body: unknown, requestedDelta: boolean): ReadPage {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { value?: unknown }).value)) {
    throw new MalformedResponseError('A Dataverse page without a value array.');
  }
  const page = body as Record<string, unknown> & { value: unknown[] };
  const rows: WireRow[] = [];
  const deletedIds: string[] = [];
  for (const item of page.value) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new MalformedResponseError('A Dataverse page with a value that is not an object.');
    }
    const row = item as WireRow;
    if (isDeletedEntity(row)) {
      if (typeof row.id !== 'string') throw new MalformedResponseError('A $deletedEntity entry without an id.');
      deletedIds.push(row.id);
    } else {
      rows.push(row);
    }
  }
  const context = typeof page['@odata.context'] === 'string' ? page['@odata.context'] : '';
  return {
    rows,
    deletedIds,
    nextLink: linkOf(page['@odata.nextLink']),
    deltaLink: linkOf(page['@odata.deltaLink']),
    isDelta: requestedDelta || context.endsWith('/$delta'),
  };
}

const linkOf = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** A deltaLink carries `$deltatoken=`; a nextLink of a delta read carries it too, plus `$skiptoken`. */
export const isDeltaLink = (link: string): boolean => /[?&]\$deltatoken=/.test(link);

/** The raw (still URL-encoded) delta token of a deltaLink, for `<set>/$count?$deltatoken=`. */
export function deltaTokenOf(deltaLink: string): string | undefined {
  return /[?&]\$deltatoken=([^&#]*)/.exec(deltaLink)?.[1];
}
