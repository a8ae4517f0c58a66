/**
 * The activity stream's two promises (store/records/activity-pages.ts): a selective filter does
 * bounded work per page and still reaches every match, and a reader never moves its cursor past
 * ids held by a transaction still in flight (PostgreSQL; PGlite has one connection, no overlap).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ActivityType } from '../../src/domain/index.js';
import { logFailuresOnPersons } from '../../src/store/records/activities.js';
import { readActivityPage, type ActivityPageQuery } from '../../src/store/records/activity-pages.js';
import { applyPersons, type PersonRecord } from '../../src/store/records/persons.js';
import { setPersonFieldsLocally } from '../../src/store/records/person-edit.js';
import type { Db } from '../../src/store/db/types.js';
import { DATABASE_URL, describeEachBackend, openTestDb } from '../helpers/db.js';

/** n persons through the sync's own apply (each logs a New Lead); returns their ids and Dynamics ids. */
async function addPersons(db: Db, n: number): Promise<{ id: number; dynamicsId: string }[]> {
  const records: PersonRecord[] = Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    accountId: null,
    ownerId: null,
    email: `p${i}@x.test`,
    fields: { firstName: `P${i}` },
    createdOn: null,
    modifiedOn: null,
  }));
  await db.transaction((tx) => applyPersons(tx, records, { runId: null, generation: 1, now: new Date() }));
  const r = await db.query<{ id: number; dynamics_id: string }>(
    'SELECT id::int AS id, dynamics_id FROM persons ORDER BY id',
  );
  return r.rows.map((x) => ({ id: x.id, dynamicsId: x.dynamics_id }));
}

const query = (q: Partial<ActivityPageQuery>): ActivityPageQuery => ({
  afterId: 0,
  typeIds: [ActivityType.ChangeDataValue],
  personIds: null,
  limit: 5,
  scanLimit: 8,
  ...q,
});

describeEachBackend('activity pages', ({ db }) => {
  it('examines at most scanLimit rows per page and still reaches a rare match', async () => {
    const persons = await addPersons(db(), 20);
    await setPersonFieldsLocally(db(), { personId: persons[19]!.id, values: { title: 'CTO' }, reason: 'test' });
    const pages = [];
    let afterId = 0;
    for (;;) {
      const page = await readActivityPage(db(), query({ afterId }));
      pages.push({ rows: page.rows.map((r) => r.primaryAttributeValue), more: page.more });
      afterId = page.nextAfterId;
      if (!page.more) break;
    }
    // 20 New Leads, then the Change Data Value: two full windows of 8 with nothing, then the match.
    expect(pages).toEqual([
      { rows: [], more: true },
      { rows: [], more: true },
      { rows: ['title'], more: false },
    ]);
    const newLeads = await readActivityPage(db(), query({ typeIds: [ActivityType.NewLead], scanLimit: 100 }));
    expect(newLeads.rows).toHaveLength(5);
    expect(newLeads).toMatchObject({ more: true, nextAfterId: newLeads.rows[4]!.id });
  });
});

describe.runIf(DATABASE_URL)('activity pages under concurrent writers [postgres]', () => {
  it('waits for a transaction in flight instead of skipping the ids it holds', async () => {
    const db = await openTestDb({ backend: 'postgres' });
    try {
      const [a, b] = await addPersons(db, 2);
      const start = (await db.query<{ n: number }>('SELECT max(id)::int AS n FROM activities')).rows[0]!.n;
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let inserted!: () => void;
      const insertedP = new Promise<void>((r) => (inserted = r));
      // A sync page in flight: its activity takes the next id but is not committed yet.
      const slow = db.transaction(async (tx) => {
        await logFailuresOnPersons(tx, [{ dynamicsId: a!.dynamicsId, entity: 'contact', code: 'x', message: 'held' }], {
          runId: null,
          now: new Date(),
        });
        inserted();
        await held;
      });
      await insertedP;
      // A local edit commits a later id meanwhile.
      await setPersonFieldsLocally(db, { personId: b!.id, values: { title: 'CFO' }, reason: 'test' });
      const reading = readActivityPage(
        db,
        query({ afterId: start, typeIds: [ActivityType.ChangeDataValue, ActivityType.SyncError], scanLimit: 100 }),
      );
      let finished = false;
      void reading.then(
        () => (finished = true),
        () => (finished = true),
      );
      // Until the reader waits on the writer's lock (or, were it not to wait, has already answered).
      while (
        !finished &&
        (
          await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'activities'::regclass`,
          )
        ).rows[0]!.n === 0
      ) {
        await new Promise((r) => setImmediate(r));
      }
      release();
      await slow;
      const page = await reading;
      expect(page.rows.map((r) => r.typeId)).toEqual([ActivityType.SyncError, ActivityType.ChangeDataValue]);
      expect(page.more).toBe(false);
    } finally {
      await db.dispose();
    }
  });
});
