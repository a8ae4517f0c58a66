/**
 * Paging cookies and delta tokens, shaped like Dataverse's:
 *   $skiptoken  <cookie pagenumber="2" pagingcookie="%3ccookie%20page%3d%221%22%3e..." istracking="False" />
 *   $deltatoken <version>!<MM/dd/yyyy HH:mm:ss>
 * Clients must treat both as opaque; the emulator keeps its keyset position and change-tracking
 * snapshot inside the inner cookie.
 */
import { badRequest } from '../errors.js';
import { encodeStrict } from './links.js';

/** A sort key value as it round-trips through the cookie. */
export type KeyValue = string | number | boolean | null;

export interface PageCookie {
  page: number;
  /** Primary key of the last row served. */
  last: string;
  first: string;
  /** $orderby values of the last row served, in order. */
  keys: KeyValue[];
  /** Tracked reads: the org version when the first page was read (the final deltaLink's version). */
  trackingVersion?: number;
}

export interface DeltaCookie {
  page: number;
  from: number;
  to: number;
  phase: 0 | 1;
  after: number;
}

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const xmlUnescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const braced = (id: string) => `{${id.toUpperCase()}}`;
const unbraced = (id: string) => id.replace(/[{}]/g, '').toLowerCase();

function keyElement(k: KeyValue): string {
  if (k === null) return '<k null="1" />';
  const t = typeof k === 'number' ? 'n' : typeof k === 'boolean' ? 'b' : 's';
  return `<k t="${t}" last="${xmlEscape(String(k))}" />`;
}

function outer(page: number, inner: string, tracking: boolean): string {
  return `<cookie pagenumber="${page + 1}" pagingcookie="${encodeStrict(inner)}" istracking="${tracking ? 'True' : 'False'}" />`;
}

export function encodePageCookie(primaryKey: string, c: PageCookie): string {
  const version = c.trackingVersion === undefined ? '' : ` version="${c.trackingVersion}"`;
  const inner =
    `<cookie page="${c.page}"${version}>${c.keys.map(keyElement).join('')}` +
    `<${primaryKey} last="${braced(c.last)}" first="${braced(c.first)}" /></cookie>`;
  return outer(c.page, inner, c.trackingVersion !== undefined);
}

export function encodeDeltaCookie(c: DeltaCookie): string {
  const inner = `<cookie page="${c.page}" from="${c.from}" to="${c.to}" phase="${c.phase}" after="${c.after}" />`;
  return outer(c.page, inner, true);
}

const invalid = () => badRequest('The $skiptoken value is not valid. Request the first page again.');

function innerCookie(skiptoken: string): string {
  const m = /pagingcookie="([^"]*)"/.exec(skiptoken);
  if (!m) throw invalid();
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    throw invalid();
  }
}

const attr = (xml: string, name: string): string | undefined => new RegExp(`\\b${name}="([^"]*)"`).exec(xml)?.[1];

export function decodePageCookie(primaryKey: string, skiptoken: string): PageCookie {
  const inner = innerCookie(skiptoken);
  const pk = new RegExp(`<${primaryKey} last="([^"]*)" first="([^"]*)"`).exec(inner);
  if (!pk) throw invalid();
  const keys: KeyValue[] = [];
  for (const m of inner.matchAll(/<k (null="1"|t="([nbs])" last="([^"]*)") \/>/g)) {
    if (m[2] === undefined) keys.push(null);
    else if (m[2] === 'n') keys.push(Number(m[3]));
    else if (m[2] === 'b') keys.push(m[3] === 'true');
    else keys.push(xmlUnescape(m[3]!));
  }
  const version = attr(inner.slice(0, inner.indexOf('>')), 'version');
  return {
    page: Number(attr(inner, 'page') ?? 1),
    last: unbraced(pk[1]!),
    first: unbraced(pk[2]!),
    keys,
    ...(version === undefined ? {} : { trackingVersion: Number(version) }),
  };
}

export function decodeDeltaCookie(skiptoken: string): DeltaCookie {
  const inner = innerCookie(skiptoken);
  const num = (name: string): number => {
    const v = Number(attr(inner, name));
    if (!Number.isFinite(v)) throw invalid();
    return v;
  };
  return {
    page: num('page'),
    from: num('from'),
    to: num('to'),
    phase: num('phase') === 1 ? 1 : 0,
    after: num('after'),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

export function encodeDeltaToken(version: number, ms: number): string {
  const d = new Date(ms);
  const date = `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()}`;
  return `${version}!${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function decodeDeltaToken(token: string): { version: number; issuedAt: number } | undefined {
  const m = /^(\d+)!(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(token);
  if (!m) return undefined;
  const [, v, mo, d, y, h, mi, s] = m;
  return { version: Number(v), issuedAt: Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) };
}
