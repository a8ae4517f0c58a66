/**
 * Issue 9 §1 and issue 15 §3: one REST record is one transaction (its person and company fields
 * apply together or not at all), a malformed record gets its own result without failing the call,
 * and a call looks its records up in one query.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from '../../src/api/server.js';
import { ActivityType } from '../../src/domain/index.js';
import type { Db } from '../../src/store/db/types.js';
import { getPerson, listActivities } from '../../src/store/records/index.js';
import { backends } from '../helpers/db.js';
import { apiDeps, openApiWorld, tokenFor, newClient, type ApiWorld, type Envelope } from './fixture.js';

type Row = { id?: number; status: string; reasons?: { code: string; message: string }[] };

async function personsOfOneCompany(api: ApiWorld): Promise<number[]> {
  const r = await api.w.db.query<{ ids: number[] }>(
    `SELECT array_agg(p.id::int ORDER BY p.id) AS ids FROM persons p JOIN companies c ON c.dynamics_id = p.account_dynamics_id
     GROUP BY c.id HAVING count(*) >= 3 ORDER BY count(*) DESC LIMIT 1`,
  );
  return r.rows[0]!.ids;
}

for (const backend of backends) {
  describe(`REST lead writes, record by record [${backend}]`, () => {
    let api: ApiWorld | undefined;
    afterEach(async () => {
      await api?.close();
      api = undefined;
    });

    it('writes none of a record whose company write fails: its person fields stay as they were', async () => {
      api = await openApiWorld(backend);
      const [a] = await personsOfOneCompany(api);
      const before = (await getPerson(api.w.db, a!))!;
      // The company write fails inside the database (as a constraint or a lost row would).
      await api.w.db.query(`CREATE FUNCTION refuse_company() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'company writes refused by the test'; END $$`);
      await api.w.db.query(
        'CREATE TRIGGER refuse_company BEFORE UPDATE ON companies FOR EACH ROW EXECUTE FUNCTION refuse_company()',
      );
      const e = await api.post<Row>('/rest/v1/leads.json', {
        action: 'updateOnly',
        lookupField: 'id',
        input: [{ id: a, title: 'Half', billingCity: 'Nantes' }],
      });
      expect(e.success).toBe(true);
      expect(e.result).toEqual([{ status: 'skipped', reasons: [{ code: '611', message: 'System error' }] }]);
      const after = (await getPerson(api.w.db, a!))!;
      expect(after.fields.title).toBe(before.fields.title ?? undefined);
      expect(after.company!.fields).toEqual(before.company!.fields);
      expect(await listActivities(api.w.db, { personId: a!, typeId: ActivityType.ChangeDataValue })).toEqual([]);
    });

    it('gives each record its own result: a malformed second record is skipped, the first and third are written', async () => {
      api = await openApiWorld(backend);
      const [a, , c] = await personsOfOneCompany(api);
      const e = await api.post<Row>('/rest/v1/leads.json', {
        action: 'updateOnly',
        input: [
          { email: (await getPerson(api.w.db, a!))!.email, title: 'First' },
          { email: 'bad\u0000@x.test', title: 'Second' },
          { email: (await getPerson(api.w.db, c!))!.email, title: 'Third', billingCity: 'Rennes' },
        ],
      });
      expect(e.success).toBe(true);
      expect(e.result!.map((r) => [r.status, r.id ?? r.reasons?.[0]?.code])).toEqual([
        ['updated', a],
        ['skipped', '1001'],
        ['updated', c],
      ]);
      expect(e.result![1]!.reasons![0]!.message).toMatch(/email.*NUL/);
      expect((await getPerson(api.w.db, a!))!.fields.title).toBe('First');
      expect((await getPerson(api.w.db, c!))!).toMatchObject({
        fields: { title: 'Third' },
        company: { fields: { billingCity: 'Rennes' } },
      });
    });

    it('sets person and company fields of a record together, and finds all the records of a call in one query', async () => {
      api = await openApiWorld(backend);
      const persons = await personsOfOneCompany(api);
      const statements: string[] = [];
      const counting: Db = {
        ...api.w.db,
        query: (text, params) => (statements.push(text), api!.w.db.query(text, params)),
      };
      const app = await createServer(apiDeps(counting, { secretBox: api.w.box }));
      try {
        const token = await tokenFor(app, await newClient(api.w.db));
        statements.length = 0;
        const res = await app.inject({
          method: 'POST',
          url: '/rest/v1/leads.json',
          headers: { authorization: `Bearer ${token}` },
          payload: {
            action: 'updateOnly',
            lookupField: 'id',
            input: persons.map((id, i) => ({ id, title: `T${i}`, billingCity: 'Brest' })),
          },
        });
        const e = res.json() as Envelope<Row>;
        expect(e.result!.map((r) => r.status)).toEqual(persons.map(() => 'updated'));
        expect(statements.filter((s) => /FROM persons p LEFT JOIN companies/.test(s))).toHaveLength(1);
        expect(statements.filter((s) => /field_selection/.test(s))).toHaveLength(1);
      } finally {
        await app.close();
      }
      for (const [i, id] of persons.entries()) {
        expect((await getPerson(api.w.db, id))!).toMatchObject({
          fields: { title: `T${i}` },
          company: { fields: { billingCity: 'Brest' } },
        });
      }
      // The company field changed once (by the first record): each person logs it once, plus its own title.
      const cdv = await listActivities(api.w.db, { personId: persons[2]!, typeId: ActivityType.ChangeDataValue });
      expect(cdv.map((a) => a.primaryAttributeValue).sort()).toEqual(['billingCity', 'title']);
    });
  });
}
