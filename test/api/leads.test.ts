/**
 * Issue 4 §2: GET /rest/v1/leads.json, /rest/v1/lead/{id}.json and /rest/v1/leads/describe.json
 * over a lead database filled by the real sync, with each error code of those endpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/db.js';
import { errorOf, openApiWorld, type ApiWorld } from './fixture.js';

interface Lead {
  id: number;
  email?: string | null;
  firstName?: string;
  company?: string;
  billingCity?: string | null;
  [k: string]: unknown;
}

for (const backend of backends) {
  describe(`REST leads [${backend}]`, () => {
    let api: ApiWorld;
    let persons: { id: number; email: string | null; first: string | null; account: string | null }[];
    beforeAll(async () => {
      api = await openApiWorld(backend);
      const r = await api.w.db.query<{
        id: number;
        email: string | null;
        first: string | null;
        account: string | null;
      }>(
        `SELECT id::int AS id, email, fields ->> 'firstName' AS first, account_dynamics_id AS account FROM persons ORDER BY id`,
      );
      persons = r.rows;
    });
    afterAll(async () => api?.close());

    it("finds leads by email (case-insensitive), with Marketo's default fields", async () => {
      const p = persons.find((x) => x.email)!;
      const e = await api.get<Lead>('/rest/v1/leads.json', {
        filterType: 'email',
        filterValues: p.email!.toUpperCase(),
      });
      expect(e.success).toBe(true);
      expect(e.requestId).toMatch(/^[0-9a-f]{4}#[0-9a-f]+$/);
      expect(e.result!.map((l) => l.id)).toEqual(
        persons.filter((x) => x.email?.toLowerCase() === p.email!.toLowerCase()).map((x) => x.id),
      );
      expect(Object.keys(e.result![0]!).sort()).toEqual([
        'createdAt',
        'email',
        'firstName',
        'id',
        'lastName',
        'updatedAt',
      ]);
      expect(e.nextPageToken).toBeUndefined();
    });

    it('finds leads by id, by a person field and by a company field, with the fields asked for', async () => {
      const ids = persons.slice(0, 3).map((p) => p.id);
      const byId = await api.get<Lead>('/rest/v1/leads.json', {
        filterType: 'id',
        filterValues: ids.join(','),
        fields: 'email,company,billingCity',
      });
      expect(byId.result!.map((l) => l.id)).toEqual(ids);
      expect(Object.keys(byId.result![0]!).sort()).toEqual(['billingCity', 'company', 'email', 'id']);

      const linked = persons.find((p) => p.account)!;
      const company = await api.w.db.query<{ name: string }>(
        `SELECT fields ->> 'company' AS name FROM companies WHERE dynamics_id = $1`,
        [linked.account],
      );
      const name = company.rows[0]!.name;
      const byCompany = await api.get<Lead>('/rest/v1/leads.json', {
        filterType: 'company',
        filterValues: name,
        fields: 'company',
      });
      const expected = persons.filter((p) => p.account === linked.account).map((p) => p.id);
      expect(byCompany.result!.map((l) => l.id)).toEqual(expect.arrayContaining(expected));
      expect(byCompany.result!.every((l) => l.company === name)).toBe(true);

      const first = persons.find((p) => p.first)!.first!;
      const byFirst = await api.get<Lead>('/rest/v1/leads.json', { filterType: 'firstName', filterValues: first });
      expect(byFirst.result!.map((l) => l.id)).toEqual(persons.filter((p) => p.first === first).map((p) => p.id));
    });

    it('pages with batchSize and nextPageToken, every lead once, in id order', async () => {
      const ids = persons.slice(0, 7).map((p) => p.id);
      const seen: number[] = [];
      let token: string | undefined;
      let calls = 0;
      do {
        const e = await api.get<Lead>('/rest/v1/leads.json', {
          filterType: 'id',
          filterValues: ids.join(','),
          batchSize: '3',
          ...(token ? { nextPageToken: token } : {}),
        });
        expect(e.success).toBe(true);
        expect(e.result!.length).toBeLessThanOrEqual(3);
        seen.push(...e.result!.map((l) => l.id));
        token = e.nextPageToken;
        calls++;
      } while (token);
      expect(seen).toEqual(ids);
      expect(calls).toBe(3);
    });

    it('answers 1003 for a missing or unknown filterType, too many values, a bad page token or batch size', async () => {
      expect(errorOf(await api.get('/rest/v1/leads.json', { filterValues: 'a' }))).toEqual([
        '1003',
        "Parameter 'filterType' is required",
      ]);
      expect(errorOf(await api.get('/rest/v1/leads.json', { filterType: 'email' }))).toEqual([
        '1003',
        "Parameter 'filterValues' is required",
      ]);
      expect(errorOf(await api.get('/rest/v1/leads.json', { filterType: 'shoeSize', filterValues: '42' }))).toEqual([
        '1003',
        "Invalid filterType 'shoeSize'",
      ]);
      expect(
        errorOf(await api.get('/rest/v1/leads.json', { filterType: 'createdAt', filterValues: '2024-01-01' }))[0],
      ).toBe('1003');
      const many = Array.from({ length: 301 }, (_, i) => `p${i}@x.test`).join(',');
      expect(errorOf(await api.get('/rest/v1/leads.json', { filterType: 'email', filterValues: many }))[0]).toBe(
        '1003',
      );
      expect(
        errorOf(
          await api.get('/rest/v1/leads.json', { filterType: 'id', filterValues: '1', nextPageToken: 'garbage' }),
        ),
      ).toEqual(['1003', 'Invalid nextPageToken']);
      expect(
        errorOf(await api.get('/rest/v1/leads.json', { filterType: 'id', filterValues: '1', batchSize: '301' }))[0],
      ).toBe('1003');
    });

    it('answers 1001 for values of the wrong type and 1006 for an unknown field', async () => {
      expect(errorOf(await api.get('/rest/v1/leads.json', { filterType: 'id', filterValues: '1,two' }))[0]).toBe(
        '1001',
      );
      expect(
        errorOf(await api.get('/rest/v1/leads.json', { filterType: 'id', filterValues: '1', batchSize: 'ten' }))[0],
      ).toBe('1001');
      expect(errorOf(await api.get('/rest/v1/lead/abc.json'))[0]).toBe('1001');
      expect(
        errorOf(
          await api.get('/rest/v1/leads.json', { filterType: 'id', filterValues: '1', fields: 'email,shoeSize' }),
        ),
      ).toEqual(['1006', "Field 'shoeSize' not found"]);
    });

    it('refuses injection through field names and treats filter values as data', async () => {
      const before = (await api.w.db.query<{ n: number }>('SELECT count(*)::int AS n FROM persons')).rows[0]!.n;
      const evilType = await api.get('/rest/v1/leads.json', { filterType: "firstName' OR '1'='1", filterValues: 'x' });
      expect(errorOf(evilType)[0]).toBe('1003');
      const evilField = await api.get('/rest/v1/leads.json', {
        filterType: 'id',
        filterValues: '1',
        fields: 'id); DROP TABLE persons; --',
      });
      expect(errorOf(evilField)[0]).toBe('1006');
      const evilValue = await api.get<Lead>('/rest/v1/leads.json', {
        filterType: 'email',
        filterValues: "x' OR '1'='1",
      });
      expect(evilValue).toMatchObject({ success: true, result: [] });
      const evilJsonPath = await api.get('/rest/v1/leads.json', { filterType: 'firstName}', filterValues: 'x' });
      expect(errorOf(evilJsonPath)[0]).toBe('1003');
      expect((await api.w.db.query<{ n: number }>('SELECT count(*)::int AS n FROM persons')).rows[0]!.n).toBe(before);
    });

    it('takes a long query as POST ?_method=GET with a form body, as Marketo clients send it', async () => {
      const ids = persons.map((p) => p.id);
      const res = await api.app.inject({
        method: 'POST',
        url: '/rest/v1/leads.json',
        query: { _method: 'GET' },
        headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          filterType: 'id',
          filterValues: ids.join(','),
          fields: 'email',
          batchSize: '300',
        }).toString(),
      });
      const e = res.json() as { success: boolean; result: Lead[] };
      expect(e.success).toBe(true);
      expect(e.result.map((l) => l.id)).toEqual(ids.slice(0, 300));
    });

    it('reads one lead by id, and answers an empty result for an unknown id', async () => {
      const p = persons.find((x) => x.account)!;
      const e = await api.get<Lead>(`/rest/v1/lead/${p.id}.json`, { fields: 'firstName,company' });
      expect(e.result).toEqual([{ id: p.id, firstName: p.first, company: expect.any(String) }]);
      expect(await api.get(`/rest/v1/lead/999999999.json`)).toMatchObject({ success: true, result: [] });
    });

    it('describes every field: system, person and company fields, with types and read-only flags', async () => {
      const e = await api.get<{
        id: number;
        displayName: string;
        dataType: string;
        rest: { name: string; readOnly: boolean };
      }>('/rest/v1/leads/describe.json');
      const byName = new Map(e.result!.map((f) => [f.rest.name, f]));
      expect(byName.get('id')).toMatchObject({ dataType: 'integer', rest: { readOnly: true } });
      expect(byName.get('email')).toMatchObject({ dataType: 'email', rest: { readOnly: false } });
      expect(byName.get('updatedAt')).toMatchObject({ dataType: 'datetime', rest: { readOnly: true } });
      expect(byName.get('firstName')).toMatchObject({ dataType: 'string', rest: { readOnly: false } });
      expect(byName.get('billingCity')).toMatchObject({ dataType: 'string', rest: { readOnly: false } });
      expect(byName.get('numberOfEmployees')).toMatchObject({ dataType: 'integer' });
      expect(e.result!.map((f) => f.id)).toEqual(e.result!.map((_, i) => i + 1));
      const selected = await api.w.db.query<{ local_name: string }>(
        `SELECT local_name FROM field_selection WHERE entity IN ('contact', 'account')`,
      );
      for (const s of selected.rows) expect(byName.has(s.local_name), s.local_name).toBe(true);
    });
  });
}
