/**
 * Issue 4 §2 and issue 10: POST /rest/v1/leads.json (createOnly, updateOnly, createOrUpdate). Contact fields change on the
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
      const e = await api.post<Row>('/rest/v1/leads.json', {
        action: 'updateOnly',
        lookupField: 'id',
        input: [{ id: persons[0], billingCity: 'Lyon' }],
      });
      expect(e).toMatchObject({ success: true, result: [{ id: persons[0], status: 'updated' }] });
      expect(api.w.admin.requestCounts()).toEqual({});
      for (const id of persons) {
        expect((await getPerson(api.w.db, id))!.company!.fields.billingCity).toBe('Lyon');
        const cdv = await listActivities(api.w.db, { personId: id, typeId: ActivityType.ChangeDataValue });
        expect(cdv.map((a) => a.attributes)).toEqual([
          expect.objectContaining({ field: 'billingCity', newValue: 'Lyon', source: 'local' }),
        ]);
      }
      const viaApi = await api.get<{ id: number; billingCity: string }>('/rest/v1/leads.json', {
        filterType: 'id',
        filterValues: persons.join(','),
        fields: 'billingCity',
      });
      expect(viaApi.result!.map((l) => l.billingCity)).toEqual(persons.map(() => 'Lyon'));
    });

    it('updates contact fields by email on that person only, logging each changed field', async () => {
      api = await openApiWorld(backend);
      const persons = await companyWithPersons(api);
      const target = (await getPerson(api.w.db, persons[0]!))!;
      api.w.admin.resetRequestCounts();
      const e = await api.post<Row>('/rest/v1/leads.json', {
        action: 'updateOnly',
        input: [{ email: target.email!.toUpperCase(), title: 'Head of Ops', firstName: target.fields.firstName }],
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
        action: 'updateOnly',
        lookupField: 'id',
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
        ['skipped', '1006'],
        ['skipped', '1001'],
        ['skipped', '1003'],
        ['skipped', '1004'],
        ['skipped', '1001'],
        ['skipped', '1003'],
      ]);
      expect(e.result![3]!.reasons![0]!.message).toBe('Lead not found');
      const after = (await getPerson(api.w.db, a!))!;
      expect(after.fields).toEqual(before.fields);
      expect(after.company!.fields).toEqual(before.company!.fields);
      expect(await listActivities(api.w.db, { personId: a!, typeId: ActivityType.ChangeDataValue })).toEqual([]);
    });

    it('answers 1007 when an email matches two leads', async () => {
      api = await openApiWorld(backend);
      const [a, b] = await companyWithPersons(api);
      const shared = (await getPerson(api.w.db, a!))!.email!;
      await api.post('/rest/v1/leads.json', {
        action: 'updateOnly',
        lookupField: 'id',
        input: [{ id: b, email: shared }],
      });
      const e = await api.post<Row>('/rest/v1/leads.json', {
        action: 'updateOnly',
        input: [{ email: shared, title: 'Y' }],
      });
      expect(e.result![0]).toMatchObject({ status: 'skipped', reasons: [{ code: '1007' }] });
    });

    it('creates a marketing-only person (New Lead, its own company fields, nothing sent), once per email', async () => {
      api = await openApiWorld(backend);
      api.w.admin.resetRequestCounts();
      const e = await api.post<Row>('/rest/v1/leads.json', {
        action: 'createOrUpdate',
        input: [
          { email: 'Nobody@New.test', firstName: 'New', company: 'New Co', billingCity: 'Nantes' },
          { email: 'nobody@new.test', title: 'Buyer' },
        ],
      });
      const id = e.result![0]!.id!;
      expect(e.result).toEqual([
        { id, status: 'created' },
        { id, status: 'updated' },
      ]);
      const p = (await getPerson(api.w.db, id))!;
      expect(p).toMatchObject({ dynamicsId: null, dynamicsType: null, email: 'Nobody@New.test' });
      expect(p.fields).toMatchObject({
        email: 'Nobody@New.test',
        firstName: 'New',
        company: 'New Co',
        billingCity: 'Nantes',
        title: 'Buyer',
      });
      const read = await api.get<Record<string, unknown>>('/rest/v1/leads.json', {
        filterType: 'company',
        filterValues: 'New Co',
        fields: 'id,company,billingCity,microsoftType',
      });
      expect(read.result).toEqual([{ id, company: 'New Co', billingCity: 'Nantes', microsoftType: null }]);
      expect(
        (await listActivities(api.w.db, { personId: id, typeId: ActivityType.NewLead })).map((a) => a.attributes),
      ).toEqual([expect.objectContaining({ sourceType: 'Web service API' })]);
      const outbox = await api.w.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
      expect(outbox.rows[0]!.n).toBe(0); // a marketing-only person is not in Dynamics: nothing to write
      expect(api.w.admin.requestCounts()).toEqual({});

      const again = await api.post<Row>('/rest/v1/leads.json', {
        action: 'createOnly',
        input: [{ email: 'nobody@new.test' }, { email: 'other@new.test' }],
      });
      expect(again.result).toEqual([
        { status: 'skipped', reasons: [{ code: '1005', message: 'Lead already exists' }] },
        { id: expect.any(Number), status: 'created' },
      ]);
      const missing = await api.post<Row>('/rest/v1/leads.json', {
        action: 'updateOnly',
        input: [{ email: 'third@new.test', firstName: 'X' }],
      });
      expect(missing.result![0]).toMatchObject({ status: 'skipped', reasons: [{ code: '1004' }] });
    });

    it("reads and writes a Dynamics lead's company fields as its own, and queues the write for Dynamics", async () => {
      api = await openApiWorld(backend);
      const lead = await api.w.db.query<{ id: string; company: string }>(
        `SELECT id, fields ->> 'company' AS company FROM persons WHERE dynamics_type = 'Lead' AND fields ->> 'company' IS NOT NULL ORDER BY id LIMIT 1`,
      );
      const id = Number(lead.rows[0]!.id);
      const read = await api.get<Record<string, unknown>>('/rest/v1/leads.json', {
        filterType: 'id',
        filterValues: String(id),
        fields: 'id,company',
      });
      expect(read.result).toEqual([{ id, company: lead.rows[0]!.company }]);
      const e = await api.post<Row>('/rest/v1/leads.json', {
        action: 'updateOnly',
        lookupField: 'id',
        input: [{ id, company: 'Renamed Lead Co' }],
      });
      expect(e.result).toEqual([{ id, status: 'updated' }]);
      expect((await getPerson(api.w.db, id))!.fields.company).toBe('Renamed Lead Co');
      const queued = await api.w.db.query<{ field: string; entity: string }>(
        'SELECT field, entity FROM outbox WHERE person_id = $1',
        [id],
      );
      expect(queued.rows).toEqual([{ field: 'company', entity: 'lead' }]);
    });

    it('refuses bad requests as a whole: invalid JSON (609), unknown action or lookupField, more than 300 records (1003)', async () => {
      api = await openApiWorld(backend);
      const bad = await api.app.inject({
        method: 'POST',
        url: '/rest/v1/leads.json',
        headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
        payload: '{"input": [',
      });
      expect(bad.statusCode).toBe(200);
      expect(errorOf(bad.json())).toEqual(['609', 'Invalid JSON']);
      expect(
        errorOf(
          await api.post('/rest/v1/leads.json', { action: 'createOnly', lookupField: 'id', input: [{ id: 1 }] }),
        )[0],
      ).toBe('1003');
      expect(errorOf(await api.post('/rest/v1/leads.json', { action: 'upsert', input: [{ email: 'a@b.c' }] }))[0]).toBe(
        '1003',
      );
      expect(
        errorOf(await api.post('/rest/v1/leads.json', { lookupField: 'firstName', input: [{ firstName: 'a' }] }))[0],
      ).toBe('1003');
      expect(errorOf(await api.post('/rest/v1/leads.json', { action: 'updateOnly', input: [] }))[0]).toBe('1003');
      const many = Array.from({ length: 301 }, (_, i) => ({ email: `p${i}@x.test` }));
      expect(errorOf(await api.post('/rest/v1/leads.json', { action: 'updateOnly', input: many }))[0]).toBe('1003');
      expect(errorOf(await api.post('/rest/v1/leads.json', [1, 2]))[0]).toBe('1003');
    });
  });
}
