/**
 * A deliberately plain Web API client for the tests' side of the emulator: it reads what
 * Dynamics holds (the oracle the lead database is compared with) and writes as a sales rep.
 * It shares no code with src/dataverse, so a misunderstanding there cannot hide here too.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export type Row = Record<string, unknown>;

export const FORMATTED = '@OData.Community.Display.V1.FormattedValue';
export const LOOKUP_TARGET = '@Microsoft.Dynamics.CRM.lookuplogicalname';

export interface WebApiTarget {
  readonly url: string;
  readonly tokenEndpoint: string;
}

/** What the oracle needs from Dynamics: its rows. */
export interface RowSource {
  readAll(entitySet: string, select: readonly string[]): Promise<Row[]>;
}

/** Rows read once (every column) and served from memory: Dynamics as it was at one moment. */
export class FrozenRows implements RowSource {
  private constructor(private readonly tables: ReadonlyMap<string, Row[]>) {}

  static async read(api: RowSource, entitySets: readonly string[]): Promise<FrozenRows> {
    const tables = new Map<string, Row[]>();
    for (const set of entitySets) tables.set(set, await api.readAll(set, []));
    return new FrozenRows(tables);
  }

  async readAll(entitySet: string): Promise<Row[]> {
    const rows = this.tables.get(entitySet);
    if (!rows) throw new Error(`${entitySet} was not read`);
    return rows;
  }
}

export class WebApi implements RowSource {
  #token: string | null = null;

  constructor(
    private readonly emu: WebApiTarget,
    private readonly username = 'rep@contoso.test',
    private readonly password = 'Passw0rd!',
  ) {}

  get apiRoot(): string {
    return `${this.emu.url}/api/data/v9.2/`;
  }

  async token(): Promise<string> {
    if (this.#token) return this.#token;
    const form = new URLSearchParams({
      grant_type: 'password',
      client_id: 'dynasync-local',
      username: this.username,
      password: this.password,
      scope: `${this.emu.url}/.default`,
    });
    const res = await fetch(this.emu.tokenEndpoint, {
      method: 'POST',
      body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const body = (await res.json()) as { access_token?: string; error_description?: string };
    if (!res.ok || !body.access_token)
      throw new Error(`sign-in as ${this.username} failed: ${res.status} ${body.error_description ?? ''}`);
    return (this.#token = body.access_token);
  }

  /** One request; waits out 429s (Retry-After) and signs in again after a 401. */
  async request(
    method: string,
    pathOrUrl: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; headers: Headers; json: unknown }> {
    const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : this.apiRoot + pathOrUrl;
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${await this.token()}`,
          accept: 'application/json',
          'odata-version': '4.0',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status === 429 && attempt < 20) {
        await sleep(1000 * Number(res.headers.get('retry-after') ?? '1'));
        continue;
      }
      if (res.status === 401 && attempt === 0) {
        this.#token = null;
        continue;
      }
      const json = text ? (JSON.parse(text) as unknown) : null;
      if (res.status >= 400) throw new Error(`${method} ${pathOrUrl}: ${res.status} ${text.slice(0, 300)}`);
      return { status: res.status, headers: res.headers, json };
    }
  }

  /** Every live row of an entity set with these columns (all when none), formatted values and lookup targets included. */
  async readAll(entitySet: string, select: readonly string[], filter?: string): Promise<Row[]> {
    const q = new URLSearchParams(select.length > 0 ? { $select: select.join(',') } : {});
    if (filter) q.set('$filter', filter);
    let next: string | null = `${entitySet}?${q.toString()}`;
    const rows: Row[] = [];
    while (next) {
      const res = await this.request('GET', next, undefined, {
        prefer: 'odata.maxpagesize=5000,odata.include-annotations="*"',
      });
      const page = res.json as { value: Row[]; '@odata.nextLink'?: string };
      rows.push(...page.value);
      next = page['@odata.nextLink'] ?? null;
    }
    return rows;
  }

  async create(entitySet: string, body: Row): Promise<string> {
    const res = await this.request('POST', entitySet, body);
    const id = /\(([0-9a-f-]{36})\)\s*$/i.exec(res.headers.get('odata-entityid') ?? '')?.[1];
    if (!id) throw new Error(`POST ${entitySet} answered without OData-EntityId`);
    return id.toLowerCase();
  }

  async update(entitySet: string, id: string, body: Row): Promise<void> {
    await this.request('PATCH', `${entitySet}(${id})`, body, { 'if-match': '*' });
  }

  async remove(entitySet: string, id: string): Promise<void> {
    await this.request('DELETE', `${entitySet}(${id})`);
  }
}

/** Runs `fn` over `items` with at most `width` in flight. */
export async function eachLimited<T>(
  items: readonly T[],
  width: number,
  fn: (item: T, i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}
