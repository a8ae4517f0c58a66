import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/logger.js';
import { MIGRATIONS_FOLDER } from '../../src/store/db/migrate.js';
import { openDb } from '../../src/store/db/open.js';
import { DATABASE_URL, describeEachBackend, testSchemaName } from '../helpers/db.js';

/** Every migration of the journal runs exactly once. */
const MIGRATION_COUNT = (
  JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }
).entries.length;

describeEachBackend('db', ({ db }) => {
  it('has every table of the schema, migrated once', async () => {
    const tables = await db().query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [db().schema],
    );
    expect(tables.rows.map((t) => t.table_name)).toEqual([
      '__drizzle_migrations',
      'activities',
      'admin_invites',
      'admin_sessions',
      'admin_users',
      'alert_settings',
      'api_clients',
      'api_tokens',
      'audit_log',
      'checkpoints',
      'companies',
      'connection',
      'custom_records',
      'custom_tables',
      'field_catalog',
      'field_selection',
      'opportunities',
      'opportunity_connections',
      'outbox',
      'persons',
      'push_state',
      'quick_syncs',
      'range_cursors',
      'range_reads',
      'sales_persons',
      'settings',
      'sync_errors',
      'sync_runs',
    ]);
    const journal = await db().query<{ n: number }>('SELECT count(*) AS n FROM __drizzle_migrations');
    expect(journal.rows[0]!.n).toBe(MIGRATION_COUNT);
  });

  it('returns int8 as a number on both backends (BigInt beyond 2^53)', async () => {
    const r = await db().query<{ n: unknown; big: unknown; arr: unknown }>(
      'SELECT count(*) AS n, 9007199254740993::int8 AS big, ARRAY[1, 2]::int8[] AS arr FROM settings',
    );
    expect(r.rows[0]).toEqual({ n: 0, big: 9007199254740993n, arr: [1, 2] });
  });

  it('commits a transaction and returns its result', async () => {
    const out = await db().transaction(async (tx) => {
      await tx.query(`INSERT INTO settings (key, value) VALUES ('a', '1')`);
      return 'done';
    });
    expect(out).toBe('done');
    expect((await db().query('SELECT key FROM settings')).rows).toEqual([{ key: 'a' }]);
  });

  it('rolls a transaction back when its function throws, COPY included', async () => {
    await expect(
      db().transaction(async (tx) => {
        await tx.query(`INSERT INTO settings (key, value) VALUES ('a', '1')`);
        await tx.copyRows('settings', ['key', 'value'], [['b', '2']]);
        expect((await tx.query('SELECT count(*)::int AS n FROM settings')).rows[0]).toEqual({ n: 2 });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await db().query('SELECT count(*)::int AS n FROM settings')).rows[0]).toEqual({ n: 0 });
  });

  it('rolls back on an SQL error and stays usable', async () => {
    await expect(
      db().transaction(async (tx) => {
        await tx.query(`INSERT INTO settings (key, value) VALUES ('a', '1')`);
        await tx.query(`INSERT INTO settings (key, value) VALUES ('a', '2')`);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect((await db().query('SELECT count(*)::int AS n FROM settings')).rows[0]).toEqual({ n: 0 });
    await db().query(`INSERT INTO settings (key, value) VALUES ('a', '3')`);
  });

  it('refuses a transaction client used after its transaction ended', async () => {
    let leaked: Parameters<Parameters<ReturnType<typeof db>['transaction']>[0]>[0] | undefined;
    await db().transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.query('SELECT 1')).rejects.toThrow();
  });

  it('keeps temp tables of a transaction on its one connection', async () => {
    const n = await db().transaction(async (tx) => {
      await tx.query('CREATE TEMP TABLE stage (v text) ON COMMIT DROP');
      await tx.copyRows('stage', ['v'], [['x'], ['y']]);
      return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM stage')).rows[0]!.n;
    });
    expect(n).toBe(2);
  });
});

describe.runIf(DATABASE_URL)('PostgreSQL migrations', () => {
  it('are serialised when two processes start at once, and a no-op the second time', async () => {
    const schema = testSchemaName();
    const logger = silentLogger();
    const [a, b] = await Promise.all([
      openDb({ databaseUrl: DATABASE_URL, schema, logger }),
      openDb({ databaseUrl: DATABASE_URL, schema, logger }),
    ]);
    try {
      const journal = await a.query<{ n: number }>('SELECT count(*) AS n FROM __drizzle_migrations');
      expect(journal.rows[0]!.n).toBe(MIGRATION_COUNT);
      await b.query(`INSERT INTO settings (key, value) VALUES ('kept', 'true')`);
      const c = await openDb({ databaseUrl: DATABASE_URL, schema, logger });
      expect((await c.query('SELECT key FROM settings')).rows).toEqual([{ key: 'kept' }]);
      expect((await c.query<{ n: number }>('SELECT count(*) AS n FROM __drizzle_migrations')).rows[0]!.n).toBe(
        MIGRATION_COUNT,
      );
      await c.close();
    } finally {
      await a.query(`DROP SCHEMA "${schema}" CASCADE`);
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('fails clearly, without the password, when the server is unreachable', async () => {
    const err = await openDb({ databaseUrl: 'postgres://u:hunter2@127.0.0.1:1/x', logger: silentLogger() }).catch(
      (e: Error) => e,
    );
    expect(err).toMatchObject({ code: 'database_unreachable' });
    expect((err as Error).message).toContain('127.0.0.1:1/x');
    expect((err as Error).message).not.toContain('hunter2');
  });
});
