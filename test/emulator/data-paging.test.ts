import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataPlaneServer, type TestServer } from './helpers/data-plane-server.js';

interface Page {
  '@odata.context': string;
  '@odata.nextLink'?: string;
  '@odata.count'?: number;
  value: Record<string, unknown>[];
}

let s: TestServer;
beforeAll(async () => {
  s = await startDataPlaneServer({ seed: 'small' });
});
afterAll(() => s.close());

const page = async (url: string, prefer?: string): Promise<Page> => {
  const res = await s.get(url, prefer ? { Prefer: prefer } : {});
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
};

describe('paging', () => {
  it('pages with maxpagesize, echoes Preference-Applied and links from the exact base URL', async () => {
    const res = await s.get('contacts?$select=fullname', { Prefer: 'odata.maxpagesize=500' });
    expect(res.headers.get('preference-applied')).toBe('odata.maxpagesize=500');
    const first = (await res.json()) as Page;
    expect(first.value).toHaveLength(500);
    const next = first['@odata.nextLink']!;
    expect(next.startsWith(`${s.api}contacts?$select=fullname&$skiptoken=`)).toBe(true);
    const token = new URL(next).searchParams.get('$skiptoken')!;
    expect(token).toMatch(/^<cookie pagenumber="2" pagingcookie="%3ccookie%20page%3d%221%22.*istracking="False" \/>$/);
    expect(decodeURIComponent(/pagingcookie="([^"]*)"/.exec(token)![1]!)).toContain('<contactid last="{');
  });

  it('serves every row exactly once, in primary-key order, across all pages', async () => {
    const ids: string[] = [];
    let url: string | undefined = 'contacts?$select=lastname';
    while (url) {
      const p = await page(url, 'odata.maxpagesize=333');
      ids.push(...p.value.map((r) => r.contactid as string));
      url = p['@odata.nextLink'];
    }
    expect(ids).toHaveLength(s.data.count('contact'));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('stays complete and duplicate-free while other clients insert and delete between pages', async () => {
    const before = new Set(s.data.ids('contact'));
    const deleted = new Set<string>();
    const created = new Set<string>();
    const seen: string[] = [];
    let url: string | undefined = 'contacts?$select=lastname';
    let round = 0;
    while (url) {
      const p = await page(url, 'odata.maxpagesize=250');
      seen.push(...p.value.map((r) => r.contactid as string));
      url = p['@odata.nextLink'];
      // Another client: delete two existing rows (one already served, one not) and add three.
      const ids = s.data.ids('contact');
      for (const id of [ids[round * 7]!, ids[ids.length - 1 - round * 5]!]) {
        s.data.remove(s.principal('rep@contoso.test'), 'contact', id);
        deleted.add(id);
      }
      for (let i = 0; i < 3; i++)
        created.add(
          s.data.create(s.principal('rep@contoso.test'), 'contact', { lastname: `Concurrent ${round}-${i}` }),
        );
      round++;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before) if (!deleted.has(id)) expect(seen.includes(id), `row ${id} existed throughout`).toBe(true);
    expect(round).toBeGreaterThan(5);
    expect(seen.some((id) => created.has(id))).toBe(true);
  });

  it('keeps ordered pages complete ($orderby then key) and honours desc', async () => {
    const all: Record<string, unknown>[] = [];
    let url: string | undefined = 'accounts?$select=name,industrycode&$orderby=industrycode desc,name';
    while (url) {
      const p = await page(url, 'odata.maxpagesize=37');
      all.push(...p.value);
      url = p['@odata.nextLink'];
    }
    expect(all).toHaveLength(s.data.count('account'));
    expect(new Set(all.map((r) => r.accountid)).size).toBe(all.length);
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1]!, all[i]!];
      const ia = (a.industrycode as number | null) ?? -1;
      const ib = (b.industrycode as number | null) ?? -1;
      expect(ia >= ib).toBe(true);
      if (ia === ib) expect((a.name as string).toLowerCase() <= (b.name as string).toLowerCase()).toBe(true);
    }
  });

  it('$top limits rows when no maxpagesize is sent and is ignored when it is', async () => {
    const top = await page('accounts?$select=name&$top=7');
    expect(top.value).toHaveLength(7);
    expect(top['@odata.nextLink']).toBeUndefined();
    const paged = await page('accounts?$select=name&$top=7', 'odata.maxpagesize=20');
    expect(paged.value).toHaveLength(20);
    expect(paged['@odata.nextLink']).toBeDefined();
  });

  it('caps the page at 5,000 and @odata.count at 5,000', async () => {
    const p = await page('contacts?$select=lastname&$count=true', 'odata.maxpagesize=9000');
    expect(p.value.length).toBeLessThanOrEqual(5000);
    expect(p['@odata.count']).toBe(Math.min(5000, s.data.count('contact')));
    const bigServer = await startDataPlaneServer({ seed: 600 });
    try {
      const res = await bigServer.get('contacts?$select=lastname&$count=true', { Prefer: 'odata.maxpagesize=6000' });
      const body = (await res.json()) as Page;
      expect(res.headers.get('preference-applied')).toBe('odata.maxpagesize=5000');
      expect(body.value).toHaveLength(5000);
      expect(body['@odata.count']).toBe(5000);
      expect(await (await bigServer.get('contacts/$count')).text()).toBe('5000');
    } finally {
      await bigServer.close();
    }
  });

  it('answers $count as text/plain', async () => {
    const res = await s.get('accounts/$count');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(Number(await res.text())).toBe(s.data.count('account'));
  });
});
