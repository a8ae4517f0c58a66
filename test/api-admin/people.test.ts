/** People, a person, the local company-field edit, and companies: GET/PUT /api/people*, GET /api/companies. */
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

/** Two persons of one company (the company with the most persons), and its id. */
async function colleagues(): Promise<{ companyId: number; a: number; b: number; people: number }> {
  const r = await f.db.query<{ company_id: number; ids: number[]; n: number }>(
    `SELECT c.id::int AS company_id, array_agg(p.id::int ORDER BY p.id) AS ids, count(*)::int AS n
     FROM persons p JOIN companies c ON c.dynamics_id = p.account_dynamics_id
     GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1`,
  );
  const row = r.rows[0]!;
  return { companyId: row.company_id, a: row.ids[0]!, b: row.ids[1]!, people: row.n };
}

describe('GET /api/people', () => {
  it('finds people by email or by name, case-insensitively', async () => {
    const p = (
      await f.db.query<{ id: number; email: string; first: string; last: string }>(
        `SELECT id::int, email, fields->>'firstName' AS first, fields->>'lastName' AS last FROM persons WHERE email IS NOT NULL ORDER BY id LIMIT 1`,
      )
    ).rows[0]!;
    const ids = async (q: string) =>
      (await c.send({ url: `/api/people?q=${encodeURIComponent(q)}` })).json().items.map((x: { id: number }) => x.id);
    expect(await ids(p.email.toUpperCase())).toEqual([p.id]);
    expect(await ids(p.last)).toContain(p.id);
    expect(await ids(`${p.first} ${p.last}`)).toContain(p.id);
    expect(await ids('zz-no-such-person-zz')).toEqual([]);
  });

  it('pages by id with a cursor, and filters by company', async () => {
    const first = (await c.send({ url: '/api/people?limit=3' })).json();
    expect(first.items).toHaveLength(3);
    const second = (await c.send({ url: `/api/people?limit=3&cursor=${first.nextCursor}` })).json();
    expect(second.items[0].id).toBeGreaterThan(first.items[2].id);
    const { companyId, people } = await colleagues();
    const ofCompany = (await c.send({ url: `/api/people?company=${companyId}&limit=200` })).json();
    expect(ofCompany.items).toHaveLength(people);
    expect(ofCompany.items.every((x: { companyId: number }) => x.companyId === companyId)).toBe(true);
    expect((await c.send({ url: '/api/people?limit=500' })).statusCode).toBe(400);
  });
});

describe('GET /api/people/:id', () => {
  it('shows the person, its company fields and its activity log', async () => {
    const { a } = await colleagues();
    const r = (await c.send({ url: `/api/people/${a}` })).json();
    expect(r.person).toMatchObject({ id: a, dynamicsType: 'Contact' });
    expect(r.company.name).toEqual(expect.any(String));
    expect(r.companyFields.map((x: { name: string }) => x.name)).toContain('billingCity');
    const industry = r.companyFields.find((x: { name: string }) => x.name === 'industry');
    expect(industry).toMatchObject({ type: 'Picklist', options: expect.arrayContaining([expect.any(String)]) });
    expect(r.activities.items[0]).toMatchObject({ typeId: 12 }); // New Lead
  });

  it('answers 404 for an unknown person and 400 for a malformed id', async () => {
    const missing = await c.send({ url: '/api/people/99999999' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('person_not_found');
    expect((await c.send({ url: '/api/people/abc' })).statusCode).toBe(400);
    expect((await c.send({ url: '/api/people/99999999/activities' })).statusCode).toBe(404);
  });
});

describe('PUT /api/people/:id/company-field', () => {
  it('changes the company for every person of it, logs Change Data Value on each, and sends nothing to Dynamics', async () => {
    const { a, b, people } = await colleagues();
    const before = (await c.send({ url: `/api/people/${b}` })).json();
    const oldCity = before.companyFields.find((x: { name: string }) => x.name === 'billingCity').value;
    const writes = f.emulator.ctx.data.count('account');

    const res = await c.send({
      method: 'PUT',
      url: `/api/people/${a}/company-field`,
      payload: { field: 'billingCity', value: 'Lisbon' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      field: 'billingCity',
      oldValue: oldCity,
      newValue: 'Lisbon',
      persons: people,
      activities: people,
      sentToDynamics: false,
    });

    const other = (await c.send({ url: `/api/people/${b}` })).json();
    expect(other.companyFields.find((x: { name: string }) => x.name === 'billingCity').value).toBe('Lisbon');
    expect(other.activities.items[0]).toMatchObject({
      typeId: 13,
      primaryAttributeValue: 'billingCity',
      attributes: {
        field: 'billingCity',
        oldValue: oldCity,
        newValue: 'Lisbon',
        source: 'local',
        reason: expect.any(String),
      },
    });
    expect(f.emulator.ctx.data.count('account')).toBe(writes);
  });

  it('takes a picklist label, and refuses a wrong value or a field that is not a company field', async () => {
    const { a } = await colleagues();
    const person = (await c.send({ url: `/api/people/${a}` })).json();
    const label = person.companyFields.find((x: { name: string }) => x.name === 'industry').options[0];
    expect(
      (
        await c.send({
          method: 'PUT',
          url: `/api/people/${a}/company-field`,
          payload: { field: 'industry', value: label },
        })
      ).statusCode,
    ).toBe(200);

    const cases: [unknown, number, string][] = [
      [{ field: 'industry', value: 'Not an industry' }, 400, 'wrong_type'],
      [{ field: 'industry', value: 987654 }, 400, 'unknown_option'],
      [{ field: 'email', value: 'x@y.z' }, 400, 'not_a_company_field'],
      [{ field: 'numberOfEmployees', value: 'many' }, 400, 'wrong_type'],
      [{ field: 'billingCity' }, 400, 'invalid_input'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await c.send({ method: 'PUT', url: `/api/people/${a}/company-field`, payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.json().error.code).toBe(code);
    }
    const missing = await c.send({
      method: 'PUT',
      url: '/api/people/99999999/company-field',
      payload: { field: 'billingCity', value: 'x' },
    });
    expect(missing.statusCode).toBe(404);
  });
});

describe('GET /api/companies', () => {
  it('lists companies with their people counts, searchable by name', async () => {
    const { companyId, people } = await colleagues();
    let found: { id: number; people: number; name: string } | undefined;
    let cursor: string | null = null;
    do {
      const page: { items: { id: number; people: number; name: string }[]; nextCursor: string | null } = (
        await c.send({ url: `/api/companies?limit=200${cursor ? `&cursor=${cursor}` : ''}` })
      ).json();
      found ??= page.items.find((x) => x.id === companyId);
      cursor = page.nextCursor;
    } while (cursor);
    expect(found).toMatchObject({ people });
    const byName = (await c.send({ url: `/api/companies?q=${encodeURIComponent(found!.name.toLowerCase())}` })).json();
    expect(byName.items.map((x: { id: number }) => x.id)).toContain(companyId);
    expect((await c.send({ url: '/api/companies?cursor=%%%' })).statusCode).toBe(400);
  });
});
