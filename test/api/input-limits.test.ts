/**
 * Issue 15 §3: input the database cannot take is refused with a clear code before it reaches SQL
 * (a NUL in filterValues or the admin search, a date out of range, a number a Dynamics column
 * cannot hold), and no database error carries its parameter values into the log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.js';
import { createServer } from '../../src/api/server.js';
import { getPerson } from '../../src/store/records/index.js';
import { backends, openTestDb } from '../helpers/db.js';
import { signedInClient } from '../api-admin/client.js';
import { apiDeps, errorOf, openApiWorld, type ApiWorld } from './fixture.js';

type Row = { id?: number; status: string; reasons?: { code: string; message: string }[] };

/** A real pino logger whose lines are kept, to check what a failure writes. */
function capturingLogger() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } });
  return { logger, text: () => lines.join('') };
}

const EMAIL = 'secret.person@example.test';

for (const backend of backends) {
  describe(`input the database cannot take [${backend}]`, () => {
    let api: ApiWorld | undefined;
    afterEach(async () => {
      await api?.close();
      api = undefined;
    });

    it('refuses a NUL in filterValues (1001) on leads and companies, and logs nothing at error level', async () => {
      api = await openApiWorld(backend);
      const log = capturingLogger();
      const app = await createServer(apiDeps(api.w.db, { secretBox: api.w.box, logger: log.logger }));
      try {
        const auth = { authorization: `Bearer ${api.token}` };
        for (const [url, filterType] of [
          ['/rest/v1/leads.json', 'email'],
          ['/rest/v1/companies.json', 'company'],
        ] as const) {
          const res = await app.inject({
            url,
            query: { filterType, filterValues: `${EMAIL}\u0000,x@y.z` },
            headers: auth,
          });
          const [code, message] = errorOf(res.json());
          expect([code, message]).toEqual(['1001', 'Invalid value in filterValues: contains a NUL character']);
        }
        expect(log.text()).not.toContain(EMAIL);
        expect(log.text()).not.toMatch(/"level":50/);
      } finally {
        await app.close();
      }
    });

    it('refuses a NUL in the admin people and company search with 400 invalid_search_text', async () => {
      api = await openApiWorld(backend);
      const admin = await signedInClient(apiDeps(api.w.db, { secretBox: api.w.box }));
      try {
        for (const url of ['/api/people', '/api/companies']) {
          const res = await admin.send({ url: `${url}?q=${encodeURIComponent(`${EMAIL}\u0000`)}` });
          expect(res.statusCode).toBe(400);
          expect(res.json().error.code).toBe('invalid_search_text');
        }
      } finally {
        await admin.app.close();
      }
    });

    it("refuses a sinceDatetime outside Dynamics' date range with 1001, not 611", async () => {
      api = await openApiWorld(backend);
      for (const since of ['0000-01-01', '1200-06-01T00:00:00Z']) {
        const [code, message] = errorOf(
          await api.get('/rest/v1/activities/pagingtoken.json', { sinceDatetime: since }),
        );
        expect(code).toBe('1001');
        expect(message).toMatch(/1753-01-01 to 9999-12-31/);
      }
      expect((await api.get('/rest/v1/activities/pagingtoken.json', { sinceDatetime: '2001-01-01' })).success).toBe(
        true,
      );
    });

    it("skips a value outside its Dynamics column's range (1001) and stores nothing of the record", async () => {
      api = await openApiWorld(backend);
      const id = Number(
        (
          await api.w.db.query<{ id: number }>(
            'SELECT min(p.id)::int AS id FROM persons p JOIN companies c ON c.dynamics_id = p.account_dynamics_id',
          )
        ).rows[0]!.id,
      );
      const before = (await getPerson(api.w.db, id))!;
      const e = await api.post<Row>('/rest/v1/leads.json', {
        action: 'updateOnly',
        lookupField: 'id',
        input: [
          { id, title: 'Rich', annualRevenue: 1e300 },
          { id, numberOfEmployees: 3_000_000_000 },
          { id, annualRevenue: 922_337_203_685_477 },
          { id, annualRevenue: 100_000_000_000_000 },
        ],
      });
      expect(e.result!.map((r) => [r.status, r.reasons?.[0]?.code])).toEqual([
        ['skipped', '1001'],
        ['skipped', '1001'],
        ['skipped', '1001'],
        ['updated', undefined],
      ]);
      // The column's own range (the emulator's revenue: 0 to 100,000,000,000,000), not only Money's.
      expect(e.result![0]!.reasons![0]!.message).toMatch(
        /annualRevenue.*1e\+300 is outside the column's range, 0 to 100000000000000/,
      );
      expect(e.result![2]!.reasons![0]!.message).toMatch(
        /annualRevenue.*922337203685477 is outside the column's range/,
      );
      const after = (await getPerson(api.w.db, id))!;
      expect(after.fields.title).toEqual(before.fields.title);
      expect(after.company!.fields).toMatchObject({
        annualRevenue: 100_000_000_000_000,
        numberOfEmployees: before.company!.fields.numberOfEmployees,
      });
    });
  });

  describe(`database errors keep parameter values out of the log [${backend}]`, () => {
    it('a NUL, a bad uuid and a duplicate key fail without the values in the error or its log line', async () => {
      const db = await openTestDb({ backend });
      const log = capturingLogger();
      try {
        await db.query('CREATE TABLE t_unique (email text PRIMARY KEY)');
        await db.query('INSERT INTO t_unique VALUES ($1)', [EMAIL]);
        // Started one at a time: a rejection must have its handler when it happens.
        const failures = [
          () => db.query('SELECT $1::text', [`${EMAIL}\u0000`]),
          () => db.query('SELECT $1::uuid', [EMAIL]),
          () => db.transaction((tx) => tx.query('INSERT INTO t_unique VALUES ($1)', [EMAIL])),
          () => db.copyRows('t_unique', ['email'], [[EMAIL]]),
        ];
        for (const run of failures) {
          const err = await run().then(
            () => null,
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(Error);
          log.logger.error({ err }, 'request failed');
        }
        const text = log.text();
        expect(text.match(/request failed/g)).toHaveLength(4);
        expect(text).toMatch(/invalid input syntax for type uuid: \(value left out\)/);
        expect(text).toMatch(/duplicate key value violates unique constraint/);
        expect(text).not.toContain(EMAIL);
        expect(text).not.toContain('secret.person');
      } finally {
        await db.dispose();
      }
    });
  });
}
