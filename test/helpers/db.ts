/**
 * Test databases on both backends. PGlite (in memory) always; PostgreSQL too when DATABASE_URL is
 * set. Every test database is a fresh schema with the migrations applied, dropped on dispose.
 *
 *   describeEachBackend('checkpoints', ({ db }) => {
 *     it('...', async () => { await saveCheckpoint(db(), ...) });
 *   });
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe } from 'vitest';
import { silentLogger } from '../../src/config/index.js';
import { migratePglite } from '../../src/store/db/migrate.js';
import { wrapPglite } from '../../src/store/db/pglite.js';
import { openDb, type Db } from '../../src/store/db/index.js';
import { acquirePglite, releasePglite } from './pglite-pool.js';

export type BackendName = 'pglite' | 'postgres';

export type TestDb = Db & {
  readonly schema: string;
  /** Drops the schema and frees the connection. Idempotent; close() does the same. */
  dispose(): Promise<void>;
};

export const DATABASE_URL = process.env.DATABASE_URL || undefined;

/** The backends every store test runs on here. */
export const backends: readonly BackendName[] = DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

/** Unique per call across workers and runs; tests may reuse it to open a second Db on it. */
export const testSchemaName = (): string => `t_${process.pid}_${randomBytes(4).toString('hex')}`;

function asTestDb(db: Db, schema: string, cleanup: () => Promise<void>): TestDb {
  let disposing: Promise<void> | undefined;
  const dispose = () => (disposing ??= cleanup());
  return { ...db, kind: db.kind, schema, dispose, close: dispose };
}

async function openPgliteTestDb(): Promise<TestDb> {
  const pg = await acquirePglite();
  const schema = testSchemaName();
  try {
    const db = await wrapPglite(pg, { schema, closeInstance: false });
    await migratePglite(pg, schema, silentLogger());
    return asTestDb(db, schema, async () => {
      await db.close();
      await releasePglite(pg, schema);
    });
  } catch (err) {
    await releasePglite(pg, schema);
    throw err;
  }
}

async function openPostgresTestDb(databaseUrl: string): Promise<TestDb> {
  const schema = testSchemaName();
  const db = await openDb({ databaseUrl, schema, logger: silentLogger() });
  return asTestDb(db, schema, async () => {
    try {
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await db.close();
    }
  });
}

/** A fresh, migrated test database: PostgreSQL when DATABASE_URL is set (unless asked otherwise), else PGlite. */
export async function openTestDb(opts: { backend?: BackendName } = {}): Promise<TestDb> {
  const backend = opts.backend ?? (DATABASE_URL ? 'postgres' : 'pglite');
  if (backend === 'pglite') return openPgliteTestDb();
  if (!DATABASE_URL) throw new Error('openTestDb({ backend: "postgres" }) needs DATABASE_URL');
  return openPostgresTestDb(DATABASE_URL);
}

export interface BackendContext {
  readonly backend: BackendName;
  /** This test's database (opened before each test, disposed after it). */
  readonly db: () => TestDb;
}

/** Declares the body's tests once per backend, each test on its own fresh database. */
export function describeEachBackend(title: string, body: (ctx: BackendContext) => void): void {
  for (const backend of backends) {
    describe(`${title} [${backend}]`, () => {
      let current: TestDb | undefined;
      beforeEach(async () => {
        current = await openTestDb({ backend });
      });
      afterEach(async () => {
        await current?.dispose();
        current = undefined;
      });
      body({
        backend,
        db: () => {
          if (!current) throw new Error('db() is only available inside a test');
          return current;
        },
      });
    });
  }
}
