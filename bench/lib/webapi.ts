/**
 * A minimal raw Web API client for the harness: a password-grant token from the emulator's Entra
 * endpoint, GETs that follow nextLinks, and PATCHes as a sales rep (how scenarios change Dynamics).
 */
export const API = '/api/data/v9.2/';
export const PASSWORD = 'Passw0rd!';
export const CLIENT_ID = 'dynasync-local';

export async function token(url: string, username: string): Promise<string> {
  const res = await fetch(`${url}/contoso/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: CLIENT_ID,
      grant_type: 'password',
      username,
      password: PASSWORD,
      scope: `${url}/.default`,
    }),
  });
  if (!res.ok) throw new Error(`token for ${username}: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export interface PageRead {
  readonly rows: Record<string, unknown>[];
  readonly nextLink: string | null;
  readonly bytes: number;
}

export const readHeaders = (bearer: string, pageSize = 5000, track = false): Record<string, string> => ({
  authorization: `Bearer ${bearer}`,
  accept: 'application/json',
  'odata-version': '4.0',
  'odata-maxversion': '4.0',
  prefer: [
    track && 'odata.track-changes',
    `odata.maxpagesize=${pageSize}`,
    'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"',
  ]
    .filter(Boolean)
    .join(','),
});

export async function getPage(link: string, headers: Record<string, string>): Promise<PageRead> {
  const res = await fetch(link, { headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${new URL(link).pathname}: HTTP ${res.status} ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { value: Record<string, unknown>[]; '@odata.nextLink'?: string };
  return { rows: body.value, nextLink: body['@odata.nextLink'] ?? null, bytes: text.length };
}

/** Ids of the first `n` rows of an entity set, in primary-key order. */
export async function firstIds(
  url: string,
  bearer: string,
  entitySet: string,
  key: string,
  n: number,
): Promise<string[]> {
  const ids: string[] = [];
  let link: string | null = `${url}${API}${entitySet}?$select=${key}`;
  while (link && ids.length < n) {
    const page: PageRead = await getPage(link, readHeaders(bearer));
    for (const r of page.rows) if (ids.length < n) ids.push(r[key] as string);
    link = page.nextLink;
  }
  return ids;
}

/** PATCHes every id with body(id, i), `concurrency` at a time (update only: If-Match: *). */
export async function patchAll(
  url: string,
  bearer: string,
  entitySet: string,
  ids: readonly string[],
  body: (id: string, i: number) => Record<string, unknown>,
  concurrency = 16,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const i = next++;
      const id = ids[i]!;
      const res = await fetch(`${url}${API}${entitySet}(${id})`, {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${bearer}`,
          'content-type': 'application/json',
          'if-match': '*',
          'odata-version': '4.0',
        },
        body: JSON.stringify(body(id, i)),
      });
      if (res.status !== 204) throw new Error(`PATCH ${entitySet}(${id}): HTTP ${res.status} ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** The emulator's admin API (/_emulator/, enabled by the bench emulator). */
export async function admin<T = unknown>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`admin ${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}
