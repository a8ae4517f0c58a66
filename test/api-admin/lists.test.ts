/**
 * The People and Companies lists over a real synced lead database: totals, positions, keyset pages
 * both ways, sort by every listed column, filters on person and company fields, streamed CSV.
 * PostgreSQL when DATABASE_URL is set, else PGlite (openTestDb).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, type AdminClient } from './client.js';
import { openSyncedFixture, type SyncedFixture } from './fixture.js';

let f: SyncedFixture;
let c: AdminClient;

beforeAll(async () => {
  f = await openSyncedFixture();
  c = await signedInClient(f.deps());
});
afterAll(async () => {
  await c?.app.close();
  await f?.close();
});

interface Page {
  items: { id: number; email: string | null; lastSynced: string; companyName: string | null }[];
  total: number;
  from: number;
  to: number;
  nextCursor: string | null;
  prevCursor: string | null;
}

const get = async (url: string): Promise<Page> => {
  const res = await c.send({ url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Page;
};

const count = async (sql: string, params: unknown[] = []) => (await f.db.query<{ n: number }>(sql, params)).rows[0]!.n;

describe('GET /api/people', () => {
  it('pages through everyone with the total and where each page sits, forward and back', async () => {
    const total = await count('SELECT count(*)::int AS n FROM persons');
    expect(total).toBeGreaterThan(500);
    const seen = new Set<number>();
    const cursors: (string | null)[] = [];
    let url = '/api/people?limit=200&sort=email';
    let page: Page;
    let expectedFrom = 1;
    for (;;) {
      page = await get(url);
      expect(page.total).toBe(total);
      expect(page.from).toBe(expectedFrom);
      expect(page.to).toBe(expectedFrom + page.items.length - 1);
      page.items.forEach((p) => seen.add(p.id));
      cursors.push(page.prevCursor);
      if (!page.nextCursor) break;
      expectedFrom = page.to + 1;
      url = `/api/people?limit=200&sort=email&cursor=${page.nextCursor}`;
    }
    expect(seen.size).toBe(total);
    expect(page.to).toBe(total);
    // Back one page from the last: the page before it, same rows as going forward.
    const back = await get(`/api/people?limit=200&sort=email&cursor=${page.prevCursor}`);
    expect(back.from).toBe(page.from - 200);
    expect(back.to).toBe(page.from - 1);
    expect(back.nextCursor).not.toBeNull();
    const again = await get(`/api/people?limit=200&sort=email&cursor=${back.nextCursor}`);
    expect(again.items.map((p) => p.id)).toEqual(page.items.map((p) => p.id));
  });

  it('sorts by every listed column, both ways, as the database orders them', async () => {
    for (const sort of ['id', 'name', 'email', 'company', 'microsoftType', 'microsoftCreatedDate', 'lastSynced']) {
      const asc = await get(`/api/people?limit=100&sort=${sort}`);
      const desc = await get(`/api/people?limit=100&sort=${sort}&dir=desc`);
      expect(asc.items).toHaveLength(100);
      expect(desc.items[0]!.id).not.toBe(asc.items[0]!.id);
    }
    const byEmail = (await get('/api/people?limit=50&sort=email&dir=desc')).items.map((p) => p.email);
    const expected = await f.db.query<{ id: number; email: string | null }>(
      `SELECT id::int, email FROM persons ORDER BY lower(coalesce(email, '')) DESC, id DESC LIMIT 50`,
    );
    expect(byEmail).toEqual(expected.rows.map((r) => r.email));
    expect((await c.send({ url: '/api/people?sort=password' })).statusCode).toBe(400);
  });

  it('filters by a person field and by a company field, with the matching total', async () => {
    const title = (
      await f.db.query<{ t: string }>(
        `SELECT fields->>'title' AS t FROM persons WHERE fields->>'title' <> '' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
      )
    ).rows[0]!.t;
    const byTitle = await get(`/api/people?f=${encodeURIComponent(`person.title:equals:${title}`)}&limit=200`);
    expect(byTitle.total).toBe(
      await count(`SELECT count(*)::int AS n FROM persons WHERE fields->>'title' = $1`, [title]),
    );
    const city = (
      await f.db.query<{ city: string }>(
        `SELECT fields->>'billingCity' AS city FROM companies WHERE fields->>'billingCity' <> '' LIMIT 1`,
      )
    ).rows[0]!.city;
    const byCity = await get(`/api/people?f=${encodeURIComponent(`company.billingCity:contains:${city}`)}`);
    const inCity = await count(
      `SELECT count(*)::int AS n FROM persons p LEFT JOIN companies c ON c.dynamics_id = p.account_dynamics_id
       WHERE coalesce(c.fields, p.fields)->>'billingCity' ILIKE $1`,
      [`%${city}%`],
    );
    expect(byCity.total).toBe(inCity);
    expect(byCity.total).toBeGreaterThan(0);
    const both = await get(
      `/api/people?f=${encodeURIComponent(`company.billingCity:contains:${city}`)}&f=${encodeURIComponent('person.microsoftType:equals:Contact')}`,
    );
    expect(both.total).toBeLessThanOrEqual(byCity.total);
    const unknown = await c.send({ url: `/api/people?f=${encodeURIComponent('person.secret:equals:x')}` });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('unknown_filter_field');
  });

  it('exports the current filter as CSV, streamed, one line per person', async () => {
    const res = await c.send({ url: `/api/people.csv?f=${encodeURIComponent('person.microsoftType:equals:Lead')}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toContain('"lastSynced"');
    expect(lines.length - 1).toBe(await count(`SELECT count(*)::int AS n FROM persons WHERE dynamics_type = 'Lead'`));
    expect(lines.slice(1).every((l) => l.includes('"Lead"'))).toBe(true);
  });
});

describe('GET /api/companies', () => {
  it('counts, sorts by people, filters by a company field, exports CSV', async () => {
    const total = await count('SELECT count(*)::int AS n FROM companies');
    const top = await get('/api/companies?sort=people&dir=desc&limit=5');
    expect(top.total).toBe(total);
    const most = await count(
      `SELECT max(n)::int AS n FROM (SELECT count(*) AS n FROM persons GROUP BY account_dynamics_id
       HAVING account_dynamics_id IS NOT NULL) x`,
    );
    expect((top.items[0] as unknown as { people: number }).people).toBe(most);
    const country = (
      await f.db.query<{ v: string }>(
        `SELECT fields->>'billingCountry' AS v FROM companies WHERE fields->>'billingCountry' <> '' LIMIT 1`,
      )
    ).rows[0]!.v;
    const filtered = await get(`/api/companies?f=${encodeURIComponent(`company.billingCountry:equals:${country}`)}`);
    expect(filtered.total).toBe(
      await count(`SELECT count(*)::int AS n FROM companies WHERE lower(fields->>'billingCountry') = lower($1)`, [
        country,
      ]),
    );
    const csv = await c.send({ url: '/api/companies.csv?sort=name' });
    expect(csv.body.trim().split('\r\n')).toHaveLength(total + 1);
  });
});
