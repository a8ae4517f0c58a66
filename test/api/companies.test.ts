/**
 * Issue 4 §2: GET /rest/v1/companies.json by externalCompanyId (the Dynamics account id), id or
 * company name; POST is refused record by record because companies are managed by the CRM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/db.js';
import { errorOf, openApiWorld, type ApiWorld } from './fixture.js';

interface Company {
  seq: number;
  id: number;
  externalCompanyId: string;
  company?: string;
  [k: string]: unknown;
}

for (const backend of backends) {
  describe(`REST companies [${backend}]`, () => {
    let api: ApiWorld;
    let companies: { id: number; dynamics_id: string; name: string; city: string | null }[];
    beforeAll(async () => {
      api = await openApiWorld(backend);
      companies = (
        await api.w.db.query<{ id: number; dynamics_id: string; name: string; city: string | null }>(
          `SELECT id::int AS id, dynamics_id, fields ->> 'company' AS name, fields ->> 'billingCity' AS city FROM companies ORDER BY id`,
        )
      ).rows;
    });
    afterAll(async () => api?.close());

    it('finds companies by externalCompanyId, id and company name', async () => {
      const [a, b] = companies;
      const byExternal = await api.get<Company>('/rest/v1/companies.json', {
        filterType: 'externalCompanyId',
        filterValues: `${a!.dynamics_id.toUpperCase()},${b!.dynamics_id}`,
        fields: 'company,billingCity',
      });
      expect(byExternal.result).toEqual([
        { seq: 0, id: a!.id, company: a!.name, billingCity: a!.city },
        { seq: 1, id: b!.id, company: b!.name, billingCity: b!.city },
      ]);
      const byId = await api.get<Company>('/rest/v1/companies.json', { filterType: 'id', filterValues: String(b!.id) });
      expect(byId.result).toEqual([
        {
          seq: 0,
          id: b!.id,
          externalCompanyId: b!.dynamics_id,
          company: b!.name,
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        },
      ]);
      const posted = await api.app.inject({
        method: 'POST',
        url: '/rest/v1/companies.json?_method=GET',
        headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `filterType=id&filterValues=${b!.id}&fields=company`,
      });
      expect(posted.json()).toMatchObject({ success: true, result: [{ seq: 0, id: b!.id, company: b!.name }] });
      const byName = await api.get<Company>('/rest/v1/companies.json', {
        filterType: 'company',
        filterValues: a!.name,
      });
      expect(byName.result!.map((c) => c.externalCompanyId)).toEqual(
        companies.filter((c) => c.name === a!.name).map((c) => c.dynamics_id),
      );
    });

    it('pages with batchSize and nextPageToken', async () => {
      const ids = companies.map((c) => c.id);
      const first = await api.get<Company>('/rest/v1/companies.json', {
        filterType: 'id',
        filterValues: ids.join(','),
        batchSize: '2',
      });
      expect(first.result!.map((c) => c.id)).toEqual(ids.slice(0, 2));
      const second = await api.get<Company>('/rest/v1/companies.json', {
        filterType: 'id',
        filterValues: ids.join(','),
        batchSize: '2',
        nextPageToken: first.nextPageToken!,
      });
      expect(second.result!.map((c) => c.id)).toEqual(ids.slice(2, 4));
      const leadsToken = (
        await api.get('/rest/v1/leads.json', { filterType: 'id', filterValues: '1,2', batchSize: '1' })
      ).nextPageToken!;
      expect(
        errorOf(
          await api.get('/rest/v1/companies.json', { filterType: 'id', filterValues: '1', nextPageToken: leadsToken }),
        )[0],
      ).toBe('1003');
    });

    it('answers 1003 for an unknown filterType, 1001 for a malformed id, 1006 for an unknown field', async () => {
      expect(
        errorOf(await api.get('/rest/v1/companies.json', { filterType: 'billingCity', filterValues: 'Paris' }))[0],
      ).toBe('1003');
      expect(
        errorOf(
          await api.get('/rest/v1/companies.json', { filterType: 'externalCompanyId', filterValues: "x' OR 1=1" }),
        )[0],
      ).toBe('1001');
      expect(errorOf(await api.get('/rest/v1/companies.json', { filterType: 'id', filterValues: 'one' }))[0]).toBe(
        '1001',
      );
      expect(
        errorOf(
          await api.get('/rest/v1/companies.json', {
            filterType: 'id',
            filterValues: '1',
            fields: 'company,firstName',
          }),
        ),
      ).toEqual(['1006', "Field 'firstName' not found"]);
    });

    it('refuses creating or changing companies, record by record, and changes nothing', async () => {
      const before = (await api.w.db.query('SELECT id, fields FROM companies ORDER BY id')).rows;
      api.w.admin.resetRequestCounts();
      const e = await api.post<{ seq: number; status: string; reasons: { code: string; message: string }[] }>(
        '/rest/v1/companies.json',
        {
          action: 'createOrUpdate',
          dedupeBy: 'dedupeFields',
          input: [{ externalCompanyId: companies[0]!.dynamics_id, billingCity: 'Nowhere' }, { company: 'New Co' }],
        },
      );
      expect(e.success).toBe(true);
      expect(e.result!.map((r) => [r.seq, r.status, r.reasons[0]!.code])).toEqual([
        [0, 'skipped', '1003'],
        [1, 'skipped', '1003'],
      ]);
      expect(e.result![0]!.reasons[0]!.message).toMatch(/managed by the CRM/);
      expect((await api.w.db.query('SELECT id, fields FROM companies ORDER BY id')).rows).toEqual(before);
      expect(api.w.admin.requestCounts()).toEqual({});
      expect(errorOf(await api.post('/rest/v1/companies.json', { input: 'nope' }))[0]).toBe('1003');
    });
  });
}
