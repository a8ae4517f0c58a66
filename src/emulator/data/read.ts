/** Collection GETs: $select/$filter/$orderby/$top/$count, keyset paging, tracked initial reads. */
import type { EmuRequest, EmuResponse } from '../http/types.js';
import { decodePageCookie, encodeDeltaToken, encodePageCookie, type PageCookie } from '../odata/cookie.js';
import { compileFilter } from '../odata/filter-eval.js';
import { buildLink } from '../odata/links.js';
import { Utf8Builder } from '../odata/utf8-builder.js';
import { MAX_PAGE_SIZE, preferenceApplied, wantsAnnotation, type Preferences } from '../odata/prefer.js';
import { assertNoExpand, assertTrackingCompatible, type QueryOptions } from '../odata/query-options.js';
import { assertTrackingEnabled, JSON_HEADERS, writerFor, type PlaneDeps } from './deps.js';
import { keyRangeOf } from './key-range.js';
import { orderKeys, pageByKey, pageOrdered, type Page } from './ordering.js';
import { resolveSelection } from './selection.js';
import type { TableStore } from './table-store.js';

const COUNT_CAP = 5000;
const q = JSON.stringify;

export function readCollection(
  deps: PlaneDeps,
  req: EmuRequest,
  store: TableStore,
  opts: QueryOptions,
  prefs: Preferences,
): EmuResponse {
  const tracking = prefs.trackChanges;
  if (tracking) {
    assertTrackingCompatible(opts);
    assertTrackingEnabled(store);
  } else assertNoExpand(opts);
  const sel = resolveSelection(store, opts.select);
  const predicate = opts.filter ? compileFilter(store, opts.filter) : undefined;
  const pk = store.def.primaryIdAttribute;
  const cookie = opts.skiptoken ? decodePageCookie(pk, opts.skiptoken) : undefined;
  // $top is ignored when odata.maxpagesize is sent; otherwise it caps the one page returned.
  const topOnly = prefs.maxPageSize === undefined && opts.top !== undefined;
  const size = topOnly ? Math.min(opts.top!, MAX_PAGE_SIZE) : (prefs.maxPageSize ?? MAX_PAGE_SIZE);
  const trackingVersion = tracking ? (cookie?.trackingVersion ?? deps.db.currentVersion()) : undefined;

  let page: Page;
  let keysOf: ((row: number) => PageCookie['keys']) | undefined;
  // `$orderby=<pk>` (asc) is the key order itself: keyset pages on the key, no sort.
  const byKey = opts.orderby.length === 1 && opts.orderby[0]!.name.toLowerCase() === pk && !opts.orderby[0]!.desc;
  if (opts.orderby.length && !byKey) {
    const keys = orderKeys(store, opts.orderby, (t, id) => deps.db.nameOf(t, id));
    const after = cookie ? { keys: cookie.keys, id: cookie.last } : undefined;
    const ordered = pageOrdered(store, predicate, opts.orderby, keys, after, size);
    page = ordered;
    keysOf = ordered.keyOf;
  } else page = pageByKey(store, predicate, cookie?.last, size, keyRangeOf(opts.filter, pk));
  if (topOnly) page = { rows: page.rows, more: false };

  const writer = writerFor(deps, req.principal, store, sel.props, prefs.annotations);
  let head = `{"@odata.context":${q(`${req.baseUrl}$metadata#${sel.contextPath}`)}`;
  if (opts.count) head += `,"@odata.count":${countMatching(store, predicate)}`;
  head += totalCountAnnotations(prefs, opts, store, predicate);
  if (tracking && !page.more) {
    const token = encodeDeltaToken(trackingVersion!, deps.clock.now());
    head += `,"@odata.deltaLink":${q(buildLink(req.baseUrl, store.def.entitySetName, req.query, { name: '$deltatoken', value: token }))}`;
  }
  const body = new Utf8Builder();
  body.append(`${head},"value":[`);
  for (let i = 0; i < page.rows.length; i++) {
    if (i === 0) {
      const first = writer(page.rows[0]!);
      body.reserve(Math.ceil(first.length * 1.3 * page.rows.length) + 4096); // one allocation per page, most of the time
      body.append(first);
    } else body.append(`,${writer(page.rows[i]!)}`);
  }
  body.append(']');
  if (page.more) {
    const last = page.rows[page.rows.length - 1]!;
    const next: PageCookie = {
      page: (cookie?.page ?? 0) + 1,
      last: store.ids[last]!,
      first: store.ids[page.rows[0]!]!,
      keys: keysOf ? keysOf(last) : [],
      ...(trackingVersion === undefined ? {} : { trackingVersion }),
    };
    const link = buildLink(req.baseUrl, store.def.entitySetName, req.query, {
      name: '$skiptoken',
      value: encodePageCookie(pk, next),
    });
    body.append(`,"@odata.nextLink":${q(link)}`);
  }
  body.append('}');
  return {
    status: 200,
    headers: { ...JSON_HEADERS, ...appliedPrefs(prefs) },
    body: body.finish(),
    work: { rows: page.rows.length, columns: sel.props.length },
  };
}

export function appliedPrefs(prefs: Preferences): Record<string, string> {
  return preferenceApplied([
    prefs.annotations.length > 0 && `odata.include-annotations="${prefs.annotations.join(',')}"`,
    prefs.maxPageSize !== undefined && `odata.maxpagesize=${prefs.maxPageSize}`,
    prefs.trackChanges && 'odata.track-changes',
  ]);
}

/** `@odata.count` is capped at 5,000 whatever the real total. */
export function countMatching(store: TableStore, predicate: ((row: number) => boolean) | undefined): number {
  if (!predicate) return Math.min(store.liveCount, COUNT_CAP);
  let n = 0;
  for (let i = 0; i < store.orderLength && n < COUNT_CAP; i++) if (predicate(store.order[i]!)) n++;
  return n;
}

function totalCountAnnotations(
  prefs: Preferences,
  opts: QueryOptions,
  store: TableStore,
  predicate: ((row: number) => boolean) | undefined,
): string {
  const term = 'Microsoft.Dynamics.CRM.totalrecordcount';
  if (!wantsAnnotation(prefs.annotations, term)) return '';
  const total = opts.count ? countMatching(store, predicate) : -1;
  const exceeded = opts.count && total >= COUNT_CAP && (predicate ? true : store.liveCount > COUNT_CAP);
  return `,"@${term}":${total},"@${term}limitexceeded":${exceeded}`;
}
