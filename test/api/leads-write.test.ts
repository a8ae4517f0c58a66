/**
 * Issue 4 §2: POST /rest/v1/leads.json (updateOnly by id or email). Contact fields change on the
 * person and log a Change Data Value; company fields follow the account rule: every person of the
 * company shows the new value, each logs a Change Data Value, and nothing is sent to Dynamics.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ActivityType } from '../../src/domain/index.js';
import { getPerson, listActivities } from '../../src/store/records/index.js';
import { backends } from '../helpers/db.js';
import { errorOf, openApiWorld, type ApiWorld } from './fixture.js';

type Row = { id?: number; status: string; reasons?: { code: string; message: string }[] };

async function companyWithPersons(api: ApiWorld): Promise<number[]> {
  const r = await api.w.db.query<{ ids: number[] }>(
    `SELECT array_agg(p.id::int ORDER BY p.id) AS ids FROM persons p JOIN companies c ON c.dynamics_id = p.account_dynamics_id
     GROUP BY c.id HAVING count(*) >= 2 ORDER BY count(*) DESC LIMIT 1`,
  );
  return r.rows[0]!.ids;
}

for (const backend of backends) {
  describe(`REST lead updates [${backend}]`, () => {
    let api: ApiWorld | undefined;
    afterEach(async () => {
      await api?.close();
      api = undefined;
    });

    it('sets a company field on every person of the company, logs it on each, and makes no request to Dynamics', async () => {
      api = await openApiWorld(backend);
      const persons = await companyWithPersons(api);
      api.w.admin.resetRequestCounts();
      const e = await api.post<Row>('/rest/v1/leads.json', { action: 'updateOnly', lookupField: 'id', input: [{ id: persons[0], billingCity: 'Lyon' }] });
      expect(e).toMatchObject({ success: true, result: [{ id: persons[0], status: 'updated' }] });
      expect(api.w.admin.requestCounts()).toEqual({});
      for (const id of persons) {
        expect((await getPerson(api.w.db, id))!.company!.fields.billingCity).toBe('Lyon');
        const cdv = await listActivities(api.w.db, { personId: id, typeId: ActivityType.ChangeDataValue });
        expect(cdv.map((a) => a.attributes)).toEqual([expect.objectContaining({ field: 'billingCity', newValue: 'Lyon', source: 'local' })]);
      }
      const viaApi = await api.get<{ id: number; billingCity: string }>('/rest/v1/leads.json', { filterType: 'id', filterValues: persons.join(','), fields: 'billingCity' });
      expect(viaApi.result!.map((l) => l.billingCity)).toEqual(persons.map(() => 'Lyon'));
    });

    it('updates contact fields by email on that person only, logging each changed field', async () => {
      api = await openApiWorld(backend);
      const persons = await companyWithPersons(api);
      const target = (await getPerson(api.w.db, persons[0]!))!;
      api.w.admin.resetRequestCounts();
      const e = await api.post<Row>('/rest/v1/leads.json', {
        action: 'updateOnly', input: [{ email: target.email!.toUpperCase(), title: 'Head of Ops', firstName: target.fields.firstName }],
      });
      expect(e.result).toEqual([{ id: target.id, status: 'updated' }]);
      expect((await getPerson(api.w.db, target.id))!.fields.title).toBe('Head of Ops');
      expect((await getPerson(api.w.db, persons[1]!))!.fields.title).not.toBe('Head of Ops');
      const cdv = await listActivities(api.w.db, { personId: target.id, typeId: ActivityType.ChangeDataValue });
      expect(cdv.map((a) => a.primaryAttributeValue)).toEqual(['title']);
      expect(api.w.admin.requestCounts()).toEqual({});
    });

    it('skips records with an unknown field (1006), a wrong value (1001), a read-only field or no such lead (1004), changing nothing', async () => {
      api = await openApiWorld(backend);
      const [a] = await companyWithPersons(api);
      const before = (await getPerson(api.w.db, a!))!;
      const e = await api.post<Row>('/rest/v1/leads.json', {
        action: 'updateOnly', lookupField: 'id',
        input: [
          { id: a, title: 'X', shoeSize: 42 },
          { id: a, title: 'X', numberOfEmployees: 'many' },
          { id: a, createdAt: '2020-01-01T00:00:00Z' },
          { id: 999999999, title: 'X' },
          { title: 'X' },
          'not a record',
        ],
      });
      expect(e.success).toBe(true);
      expect(e.result!.map((r) => [r.status, r.reasons?.[0]?.code])).toEqual([
        ['skipped', '1006'], ['skipped', '1001'], ['skipped', '1003'], ['skipped', '1004'], ['skipped', '1001'], ['skipped', '1003'],
      ]);
      expect(e.result![3]!.reasons![0]!.message).toBe('Lead not found');
      const after = (await getPerson(api.w.db, a!))!;
      expect(after.fields).toEqual(before.fields);
      expect(after.company!.fields).toEqual(before.company!.fields);
      expect(await listActivities(api.w.db, { personId: a!, typeId: ActivityType.ChangeDataValue })).toEqual([]);
    });

    it('answers 1007 when an email matches two leads, and refuses to create leads', async () => {
      api = await openApiWorld(backend);
      const [a, b] = await companyWithPersons(api);
      const shared = (await getPerson(api.w.db, a!))!.email!;
      await api.post('/rest/v1/leads.json', { action: 'updateOnly', lookupField: 'id', input: [{ id: b, email: shared }] });
      const e = await api.post<Row>('/rest/v1/leads.json', { action: 'updateOnly', input: [{ email: shared, title: 'Y' }] });
      expect(e.result![0]).toMatchObject({ status: 'skipped', reasons: [{ code: '1007' }] });
      const create = await api.post<Row>('/rest/v1/leads.json', { input: [{ email: 'nobody@new.test', firstName: 'New' }] });
      expect(create.result![0]).toMatchObject({ status: 'skipped', reasons: [{ code: '1003' }] });
      expect(create.result![0]!.reasons![0]!.message).toMatch(/persons come from Dynamics/);
    });

    it('refuses bad requests as a whole: invalid JSON (609), unknown action or lookupField, more than 300 records (1003)', async () => {
      api = await openApiWorld(backend);
      const bad = await api.app.inject({
        method: 'POST', url: '/rest/v1/leads.json', headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' }, payload: '{"input": [',
      });
      expect(bad.statusCode).toBe(200);
      expect(errorOf(bad.json())).toEqual(['609', 'Invalid JSON']);
      expect(errorOf(await api.post('/rest/v1/leads.json', { action: 'createOnly', input: [{ email: 'a@b.c' }] }))[0]).toBe('1003');
      expect(errorOf(await api.post('/rest/v1/leads.json', { lookupField: 'firstName', input: [{ firstName: 'a' }] }))[0]).toBe('1003');
      expect(errorOf(await api.post('/rest/v1/leads.json', { action: 'updateOnly', input: [] }))[0]).toBe('1003');
      const many = Array.from({ length: 301 }, (_, i) => ({ email: `p${i}@x.test` }));
      expect(errorOf(await api.post('/rest/v1/leads.json', { action: 'updateOnly', input: many }))[0]).toBe('1003');
      expect(errorOf(await api.post('/rest/v1/leads.json', [1, 2]))[0]).toBe('1003');
    });
  });
}
