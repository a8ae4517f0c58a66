/** The REST API's lead field list is loaded at most once per TTL for reads, and again after invalidate(). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeadFieldsCache } from '../../src/api/rest/fields.js';
import { openTestDb, type TestDb } from '../helpers/db.js';

describe('LeadFieldsCache', () => {
  let db: TestDb;
  let loads = 0;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it('re-reads the selection only after its TTL or an invalidate, and never keeps a failed load', async () => {
    let now = 1_000;
    const counting = {
      query: async (...args: Parameters<TestDb['query']>) => {
        loads++;
        return db.query(...args);
      },
    } as unknown as TestDb;
    const cache = new LeadFieldsCache(counting, 1000, () => now);
    const first = await cache.get();
    expect(first.get('email')?.name).toBe('email');
    await cache.get();
    now += 999;
    expect(await cache.get()).toBe(first);
    expect(loads).toBe(1);
    now += 1;
    expect(await cache.get()).not.toBe(first);
    expect(loads).toBe(2);
    cache.invalidate();
    await cache.get();
    expect(loads).toBe(3);

    let fail = true;
    const flaky = {
      query: async (...args: Parameters<TestDb['query']>) => {
        if (fail) throw new Error('connection lost');
        return db.query(...args);
      },
    } as unknown as TestDb;
    const c2 = new LeadFieldsCache(flaky, 1000, () => now);
    await expect(c2.get()).rejects.toThrow('connection lost');
    fail = false;
    expect((await c2.get()).get('id')?.name).toBe('id');
  });
});
