import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataPlaneServer, type TestServer } from './helpers/data-plane-server.js';

interface Page {
  '@odata.nextLink'?: string;
  value: Record<string, unknown>[];
}

let s: TestServer;
beforeAll(async () => {
  s = await startDataPlaneServer({ seed: 'small' });
});
afterAll(() => s.close());

async function readAll(url: string, size: number): Promise<string[]> {
  const ids: string[] = [];
  let next: string | undefined = url;
  while (next) {
    const res = await s.get(next, { Prefer: `odata.maxpagesize=${size}` });
    expect(res.status).toBe(200);
    const p = (await res.json()) as Page;
    ids.push(...p.value.map((r) => r.contactid as string));
    next = p['@odata.nextLink'];
  }
  return ids;
}

describe('primary-key ranges ($filter on the key with ge/lt, $orderby on the key)', () => {
  it('serves exactly the keys in [X, Y), in key order, across pages; ranges partition the table', async () => {
    const all = [...s.data.ids('contact')].sort();
    const cuts = [all[Math.floor(all.length / 3)]!, all[Math.floor((2 * all.length) / 3)]!];
    const ranges = [
      `contactid lt ${cuts[0]}`,
      `contactid ge ${cuts[0]} and contactid lt ${cuts[1]}`,
      `contactid ge ${cuts[1]}`,
    ];
    const got: string[][] = [];
    for (const f of ranges) got.push(await readAll(`contacts?$select=lastname&$filter=${f}&$orderby=contactid`, 97));
    expect(got[1]).toEqual(all.filter((id) => id >= cuts[0]! && id < cuts[1]!));
    expect(got.flat()).toEqual(all);
    for (const r of got) expect([...r].sort()).toEqual(r);
  });

  it('combines the key range with other conditions and with inclusive bounds', async () => {
    const all = [...s.data.ids('contact')].sort();
    const [a, b] = [all[10]!, all[40]!];
    const ids = await readAll(`contacts?$select=lastname&$filter=contactid gt ${a} and contactid le ${b}`, 7);
    expect(ids).toEqual(all.slice(11, 41));
    const desc = await readAll(
      `contacts?$select=lastname&$filter=contactid ge ${a} and contactid lt ${b}&$orderby=contactid desc`,
      7,
    );
    expect(desc).toEqual(all.slice(10, 40).reverse());
  });

  it('refuses the key filter together with change tracking, as Dataverse does', async () => {
    const res = await s.get(`contacts?$select=lastname&$filter=contactid ge ${s.data.ids('contact')[0]}`, {
      Prefer: 'odata.track-changes',
    });
    expect(res.status).toBe(400);
  });
});
