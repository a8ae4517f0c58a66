/**
 * nextLink and deltaLink are the request's own URL: the client's base URL exactly as it addressed us
 * (dynamics-web-api strips it off by string replacement), the entity set, and the request's query
 * options in their original order, minus the paging/delta token being replaced.
 */

/** Percent-encodes like Dataverse: lower-case hex, and `!'()*` too (`919042%2108%2f22%2f2017`). */
export function encodeStrict(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)
    .replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
}

/** Query values stay readable (`$select=name,telephone1`, `$filter=name eq 'x'` with %20 for spaces). */
function encodeQueryValue(s: string): string {
  return encodeURIComponent(s).replace(/%(24|2C|28|29|27|3A|40|2F)/g, (m) => decodeURIComponent(m));
}

export function rebuildQuery(query: URLSearchParams, drop: readonly string[]): string[] {
  const parts: string[] = [];
  for (const [k, v] of query) {
    if (drop.includes(k)) continue;
    parts.push(`${encodeQueryValue(k)}=${encodeQueryValue(v)}`);
  }
  return parts;
}

export function buildLink(
  baseUrl: string,
  entitySet: string,
  query: URLSearchParams,
  token: { name: string; value: string },
): string {
  const parts = rebuildQuery(query, ['$skiptoken', '$deltatoken']);
  // A delta read's nextLink keeps its $deltatoken; the new deltaLink replaces it.
  if (token.name === '$skiptoken' && query.has('$deltatoken')) {
    parts.push(`$deltatoken=${encodeStrict(query.get('$deltatoken')!)}`);
  }
  parts.push(`${token.name}=${encodeStrict(token.value)}`);
  return `${baseUrl}${entitySet}?${parts.join('&')}`;
}
