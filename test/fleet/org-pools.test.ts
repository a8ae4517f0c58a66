/**
 * A worker's cache of organization pools (sync/worker/org-pools.ts): a job reuses its
 * organization's pool, at most maxOpen idle pools stay open (least recently used closed first), a
 * pool in use is never closed, idle pools close after idleCloseMs, a failed open is retried, and
 * maxOpen 0 opens and closes a pool per job. On PostgreSQL, a cached pool serves the next job
 * without opening a pool again.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/index.js';
import { openDb } from '../../src/store/db/index.js';
import type { Db } from '../../src/store/db/types.js';
import { OrgPools } from '../../src/sync/worker/org-pools.js';
import { DATABASE_URL } from '../helpers/db.js';

function fakeOpener() {
  const opened: string[] = [];
  const closed: string[] = [];
  const open = async (org: string): Promise<Db> => {
    opened.push(org);
    return {
      kind: 'postgres',
      schema: org,
      query: async () => ({ rows: [], rowCount: 0 }),
      copyRows: async () => 0,
      transaction: async (fn) => fn(null as never),
      close: async () => void closed.push(org),
    };
  };
  return { open, opened, closed };
}

describe('OrgPools', () => {
  it('reuses a pool, closes the least recently used idle one past maxOpen, never one in use', async () => {
    const f = fakeOpener();
    const pools = new OrgPools({ open: f.open, maxOpen: 2, idleCloseMs: 60_000 });
    await pools.use('a', async () => undefined);
    await pools.use('b', async () => undefined);
    await pools.use('a', async () => undefined); // hit: a is now the most recently used
    expect(f.opened).toEqual(['a', 'b']);
    await pools.use('c', async () => undefined); // b is the least recently used: closed
    expect(f.closed).toEqual(['b']);
    // While a, c and d run at once the bound is exceeded (none can be closed, a and c least of all)...
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const running = Promise.all([pools.use('a', () => held), pools.use('c', () => held)]);
    await pools.use('d', async (db) => {
      expect(db.schema).toBe('d');
      expect(pools.stats().open).toBe(3);
    });
    // ...then restored: d, the only idle one, is closed although it is the most recently used.
    expect(f.closed).toEqual(['b', 'd']);
    expect(pools.stats().open).toBe(2);
    release();
    await running;
    expect(pools.stats().open).toBe(2);
    expect(f.closed).toEqual(['b', 'd']);
    expect(pools.stats()).toMatchObject({ hits: 3, misses: 4 });
    await pools.closeAll();
    expect([...f.closed].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('closes pools idle past idleCloseMs; retries a failed open; maxOpen 0 opens per job', async () => {
    let now = 0;
    const f = fakeOpener();
    const pools = new OrgPools({ open: f.open, maxOpen: 10, idleCloseMs: 1000, now: () => now });
    await pools.use('a', async () => undefined);
    now = 500;
    await pools.use('b', async () => undefined);
    now = 1200;
    expect(await pools.sweep()).toBe(1);
    expect(f.closed).toEqual(['a']);
    await pools.closeAll();

    let fail = true;
    const flaky = new OrgPools({
      open: async (org) => {
        if (fail) throw new Error('database away');
        return f.open(org);
      },
      maxOpen: 10,
      idleCloseMs: 60_000,
    });
    await expect(flaky.use('x', async () => undefined)).rejects.toThrow('database away');
    fail = false;
    expect(await flaky.use('x', async (db) => db.schema)).toBe('x');
    await flaky.closeAll();

    const g = fakeOpener();
    const none = new OrgPools({ open: g.open, maxOpen: 0, idleCloseMs: 1000 });
    await none.use('a', async () => undefined);
    await none.use('a', async () => undefined);
    expect(g.opened).toEqual(['a', 'a']);
    expect(g.closed).toEqual(['a', 'a']);
  });

  it.runIf(DATABASE_URL)('on PostgreSQL a job reuses the organization pool opened by the previous one', async () => {
    const logger = silentLogger();
    const schema = `t_pools_${randomBytes(3).toString('hex')}`;
    let opens = 0;
    const pools = new OrgPools({
      open: () => (opens++, openDb({ databaseUrl: DATABASE_URL!, logger, schema, recreate: true, maxConnections: 2 })),
      maxOpen: 4,
      idleCloseMs: 60_000,
    });
    try {
      await pools.use('o', (db) => db.query('CREATE TABLE pool_probe (n int)'));
      await pools.use('o', (db) => db.query('INSERT INTO pool_probe VALUES (1)'));
      const r = await pools.use('o', (db) => db.query<{ n: number }>('SELECT count(*)::int AS n FROM pool_probe'));
      expect(r.rows[0]!.n).toBe(1);
      expect(opens).toBe(1);
    } finally {
      await pools.use('o', (db) => db.query(`DROP SCHEMA ${schema} CASCADE`));
      await pools.closeAll();
    }
  });
});
