/**
 * Two runners must never sync one lead database at once (they would both write the same pages).
 * On PGlite the data-dir lock already allows one process. On PostgreSQL a session advisory lock on
 * a dedicated connection is held for the runner's whole life; the server releases it if the process
 * dies, so a killed runner never leaves a stale lock behind.
 *
 * The lock's connection can be lost (the server restarted, the backend was terminated): the lock
 * goes with it. `ensure()`, called before every cycle, takes it again on a new connection, and
 * refuses (runner_lock_lost) when another runner took it meanwhile.
 */
import pg from 'pg';
import { FatalError } from '../domain/index.js';
import { ADVISORY_LOCK } from './db/advisory-locks.js';

const LOCK_KEY = ADVISORY_LOCK.runner;

export interface RunnerLock {
  /** Resolves while the lock is held, taking it again after its connection was lost. */
  ensure(): Promise<void>;
  release(): Promise<void>;
}

/** A connection holding the lock, or null when another session holds it. `onLost` runs when it drops. */
async function tryLock(databaseUrl: string, schema: string, onLost: (c: pg.Client) => void): Promise<pg.Client | null> {
  const client = new pg.Client({ connectionString: databaseUrl });
  // Without a listener a lost connection's 'error' event would end the process.
  client.on('error', () => onLost(client));
  client.on('end', () => onLost(client));
  try {
    await client.connect();
    // Key per schema, so isolated test schemas on one server do not contend.
    const res = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [
      LOCK_KEY,
      schema,
    ]);
    if (res.rows[0]?.ok) return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  await client.end().catch(() => undefined);
  return null;
}

export async function acquireRunnerLock(databaseUrl: string | undefined, schema = 'public'): Promise<RunnerLock> {
  if (!databaseUrl) return { ensure: async () => undefined, release: async () => undefined };
  let client: pg.Client | null = null;
  let released = false;
  const take = () =>
    tryLock(databaseUrl, schema, (c) => {
      if (client === c) client = null;
    });
  client = await take();
  if (!client)
    throw new FatalError('runner_already_running', 'Another dynasync runner is already syncing this database.');
  return {
    ensure: async () => {
      if (client || released) return;
      client = await take();
      if (!client) {
        throw new FatalError(
          'runner_lock_lost',
          'The connection holding the runner lock was lost and another dynasync ' +
            'runner took the lock meanwhile: this runner waits until the lock is free again.',
        );
      }
    },
    release: async () => {
      released = true;
      const c = client;
      client = null;
      if (!c) return;
      await c.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_KEY, schema]).catch(() => undefined);
      await c.end().catch(() => undefined);
    },
  };
}
