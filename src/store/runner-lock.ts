/**
 * Two runners must never sync one lead database at once (they would both write the same pages).
 * On PGlite the data-dir lock already allows one process. On PostgreSQL a session advisory lock on
 * a dedicated connection is held for the runner's whole life; the server releases it if the process
 * dies, so a killed runner never leaves a stale lock behind.
 */
import pg from 'pg';
import { FatalError } from '../domain/index.js';
import { ADVISORY_LOCK } from './db/advisory-locks.js';

const LOCK_KEY = ADVISORY_LOCK.runner;

export interface RunnerLock {
  release(): Promise<void>;
}

export async function acquireRunnerLock(databaseUrl: string | undefined, schema = 'public'): Promise<RunnerLock> {
  if (!databaseUrl) return { release: async () => undefined };
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  // Key per schema, so isolated test schemas on one server do not contend.
  const res = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [LOCK_KEY, schema]);
  if (!res.rows[0]?.ok) {
    await client.end();
    throw new FatalError('runner_already_running', 'Another dynasync runner is already syncing this database.');
  }
  return {
    release: async () => {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_KEY, schema]).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
