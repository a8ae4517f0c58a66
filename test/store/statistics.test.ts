import { expect, it } from 'vitest';
import { refreshStatistics } from '../../src/store/records/statistics.js';
import { describeEachBackend } from '../helpers/db.js';

describeEachBackend('refreshStatistics', ({ db }) => {
  it('gives the planner row counts for the tables a full read of contacts filled', async () => {
    await db().query(`INSERT INTO persons (dynamics_id, email, fields)
      SELECT gen_random_uuid(), 'p' || i || '@example.com', '{}'::jsonb FROM generate_series(1, 2000) i`);
    const reltuples = async (table: string) =>
      Number(
        (await db().query<{ n: number }>(`SELECT reltuples::int AS n FROM pg_class WHERE oid = $1::regclass`, [table]))
          .rows[0]!.n,
      );
    await refreshStatistics(db(), 'contact');
    expect(await reltuples('persons')).toBe(2000);
    expect(await reltuples('activities')).toBe(0);
    await expect(refreshStatistics(db(), 'lead')).resolves.toBeUndefined(); // nothing to do for unsynced tables
  });
});
