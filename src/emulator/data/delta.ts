/**
 * Delta reads (GET with $deltatoken): current values of rows changed since the token's version,
 * ordered by version, then `$deletedEntity` entries. The first page fixes a snapshot version `to`;
 * later pages and the final deltaLink use it, so changes made while a client pages through a delta
 * land in the next delta instead of being half-seen in this one.
 */
import { DvCode, EXPIRED_VERSION_STAMP_MESSAGE } from '../../wire/index.js';
import { badRequest } from '../errors.js';
import type { EmuRequest, EmuResponse } from '../http/types.js';
import {
  decodeDeltaCookie,
  decodeDeltaToken,
  encodeDeltaCookie,
  encodeDeltaToken,
  type DeltaCookie,
} from '../odata/cookie.js';
import { buildLink } from '../odata/links.js';
import { Utf8Builder } from '../odata/utf8-builder.js';
import { MAX_PAGE_SIZE, type Preferences } from '../odata/prefer.js';
import { assertTrackingCompatible, type QueryOptions } from '../odata/query-options.js';
import { DELETE, UPSERT } from './change-log.js';
import { assertTrackingEnabled, JSON_HEADERS, writerFor, type PlaneDeps } from './deps.js';
import { appliedPrefs } from './read.js';
import { resolveSelection } from './selection.js';
import type { TableStore } from './table-store.js';

const DAY_MS = 86_400_000;
const q = JSON.stringify;

interface DeltaEntry {
  row: number;
  deleted: boolean;
}

/** Validates a delta token: parseable, not older than the org's expiry, not expired by an admin. */
export function checkDeltaToken(deps: PlaneDeps, store: TableStore, token: string): number {
  assertTrackingEnabled(store);
  const parsed = decodeDeltaToken(token);
  if (!parsed) throw badRequest(`The delta token '${token}' is not valid.`, DvCode.InvalidArgument);
  const age = deps.clock.now() - parsed.issuedAt;
  if (parsed.version < store.expiredBefore || age > deps.org.changeTrackingExpiryDays * DAY_MS) {
    throw badRequest(EXPIRED_VERSION_STAMP_MESSAGE, DvCode.ExpiredVersionStamp);
  }
  return parsed.version;
}

function qualifies(store: TableStore, i: number, to: number): boolean {
  const row = store.log.rows[i]!;
  const kind = store.log.kinds[i]!;
  if (kind === UPSERT) return store.alive[row] === 1 && store.version(row) === store.log.versions[i];
  // A delete counts unless the row came back (an upsert to its id) before the snapshot.
  return kind === DELETE && (store.alive[row] === 0 || store.version(row) > to);
}

/**
 * Walks phase 0 (upserts) then phase 1 (deletes) from the cookie's position, up to `size` entries.
 * Only when one more qualifying entry exists is a next cookie returned, so the deltaLink always
 * rides on the last page and an exactly full page is not followed by an empty one.
 */
function collect(store: TableStore, c: DeltaCookie, size: number): { entries: DeltaEntry[]; next?: DeltaCookie } {
  const log = store.log;
  const entries: DeltaEntry[] = [];
  let lastVersion = c.after;
  let lastPhase = c.phase;
  for (let phase = c.phase; phase <= 1; phase++) {
    const wanted = phase === 0 ? UPSERT : DELETE;
    const start = phase === c.phase ? c.after : c.from;
    for (let i = log.firstAfter(start); i < log.length && log.versions[i]! <= c.to; i++) {
      if (log.kinds[i] !== wanted || !qualifies(store, i, c.to)) continue;
      if (entries.length === size) {
        return { entries, next: { ...c, page: c.page + 1, phase: lastPhase, after: lastVersion } };
      }
      entries.push({ row: log.rows[i]!, deleted: phase === 1 });
      lastVersion = log.versions[i]!;
      lastPhase = phase as 0 | 1;
    }
  }
  return { entries };
}

export function readDelta(
  deps: PlaneDeps,
  req: EmuRequest,
  store: TableStore,
  opts: QueryOptions,
  prefs: Preferences,
): EmuResponse {
  assertTrackingCompatible(opts);
  const from = checkDeltaToken(deps, store, opts.deltatoken!);
  const cookie = opts.skiptoken
    ? decodeDeltaCookie(opts.skiptoken)
    : { page: 1, from, to: deps.db.currentVersion(), phase: 0 as const, after: from };
  const sel = resolveSelection(store, opts.select);
  const { entries, next } = collect(store, cookie, prefs.maxPageSize ?? MAX_PAGE_SIZE);
  const writer = writerFor(deps, req.principal, store, sel.props, prefs.annotations);
  const set = store.def.entitySetName;
  const deletedContext = q(`${req.baseUrl}$metadata#${set}/$deletedEntity`);
  const value = (e: DeltaEntry): string =>
    e.deleted ? `{"@odata.context":${deletedContext},"id":"${store.ids[e.row]}","reason":"deleted"}` : writer(e.row);
  let head = `{"@odata.context":${q(`${req.baseUrl}$metadata#${sel.contextPath}/$delta`)}`;
  if (!next) {
    const token = encodeDeltaToken(cookie.to, deps.clock.now());
    head += `,"@odata.deltaLink":${q(buildLink(req.baseUrl, set, req.query, { name: '$deltatoken', value: token }))}`;
  }
  const body = new Utf8Builder();
  body.append(`${head},"value":[`);
  for (let i = 0; i < entries.length; i++) {
    if (i === 0) {
      const first = value(entries[0]!);
      body.reserve(Math.ceil(first.length * 1.3 * entries.length) + 4096); // one allocation per page, most of the time
      body.append(first);
    } else body.append(`,${value(entries[i]!)}`);
  }
  body.append(']');
  if (next) {
    body.append(
      `,"@odata.nextLink":${q(buildLink(req.baseUrl, set, req.query, { name: '$skiptoken', value: encodeDeltaCookie(next) }))}`,
    );
  }
  body.append('}');
  return {
    status: 200,
    headers: { ...JSON_HEADERS, ...appliedPrefs(prefs) },
    body: body.finish(),
    work: { rows: entries.length, columns: sel.props.length },
  };
}

/** `GET <set>/$count?$deltatoken=`: how many changes a delta read would return now. */
export function countDelta(deps: PlaneDeps, store: TableStore, token: string): number {
  const from = checkDeltaToken(deps, store, token);
  const c: DeltaCookie = { page: 1, from, to: deps.db.currentVersion(), phase: 0, after: from };
  const log = store.log;
  let n = 0;
  for (let i = log.firstAfter(from); i < log.length && log.versions[i]! <= c.to; i++)
    if (qualifies(store, i, c.to)) n++;
  return n;
}
