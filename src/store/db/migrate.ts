/**
 * The same drizzle-kit migrations run on both backends. The folder is found next to this module,
 * so it works from any working directory.
 *
 * The migration journal lives in `drizzle` by default; with an isolated schema (tests) it lives in
 * that schema, so dropping the schema drops its journal too and a new schema migrates from scratch.
 */
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePgDb } from 'drizzle-orm/node-postgres/migrator';
import type { Pool } from 'pg';
import type { Logger } from '../../config/logger.js';
import { ADVISORY_LOCK } from './advisory-locks.js';
import { quoteIdent } from './sql.js';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migrations', import.meta.url));

const migrationConfig = (schema: string | undefined) => ({
  migrationsFolder: MIGRATIONS_FOLDER,
  migrationsSchema: schema ?? 'drizzle',
});

/** PGlite is one connection in one process (and the data dir is locked): nothing to serialise. */
export async function migratePglite(pg: PGlite, schema: string | undefined, logger: Logger): Promise<void> {
  const started = performance.now();
  if (schema) await pg.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  // Loaded here, not at the top: drizzle's PGlite driver loads PGlite itself, which a PostgreSQL
  // process never needs.
  const [{ drizzle: drizzlePglite }, { migrate: migratePgliteDb }] = await Promise.all([
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  await migratePgliteDb(drizzlePglite(pg), migrationConfig(schema));
  logger.debug({ ms: Math.round(performance.now() - started), schema }, 'migrations up to date (PGlite)');
}

/**
 * Two processes starting at once would both run CREATE SCHEMA / CREATE TABLE IF NOT EXISTS and
 * race on the catalog. A session advisory lock on one dedicated connection serialises them; the
 * second finds the journal up to date. The lock dies with the connection if the process does. Its
 * key is its own (never the runner lock's, which is held for the runner's life): a migration waits
 * only for another migration, which takes seconds.
 */
export async function migratePostgres(pool: Pool, schema: string | undefined, logger: Logger): Promise<void> {
  const started = performance.now();
  const client = await pool.connect();
  const key = [ADVISORY_LOCK.migration, schema ?? 'public'];
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1::int, hashtext($2))', key);
    try {
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await migratePgDb(drizzlePg({ client }), migrationConfig(schema));
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::int, hashtext($2))', key).catch((err: Error) => {
        broken = err; // a connection that cannot unlock must not go back to the pool holding the lock
      });
    }
  } finally {
    client.release(broken);
  }
  logger.debug({ ms: Math.round(performance.now() - started), schema }, 'migrations up to date (PostgreSQL)');
}
