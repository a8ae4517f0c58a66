/**
 * A small pool on the fleet's database for the registry and the scheduler: no schema on its
 * search path and no lead-database migrations (those run per organization when its Db opens).
 */
import pg from 'pg';
import type { Logger } from '../../config/logger.js';
import { FatalError } from '../../domain/errors.js';
import { pgTypes } from '../db/pg-types.js';
import { redacting } from '../db/redact.js';
import type { QueryResult, SqlClient } from '../db/types.js';

export interface FleetDb extends SqlClient {
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

const client = (q: Queryable): SqlClient => ({
  async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    const r = await redacting(q.query(text, params as unknown[] | undefined));
    return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
  },
  copyRows: () => Promise.reject(new FatalError('copy_not_supported', 'The fleet registry takes no COPY')),
});

export function openFleetDb(databaseUrl: string, logger: Logger, max = 2): FleetDb {
  const pool = new pg.Pool({ connectionString: databaseUrl, types: pgTypes, application_name: 'dynasync-fleet', max });
  pool.on('error', (err) => logger.warn({ err }, 'an idle PostgreSQL connection (fleet) failed'));
  const base = client(pool);
  return {
    ...base,
    async transaction(fn) {
      const c = await pool.connect();
      let broken: Error | undefined;
      try {
        await c.query('BEGIN');
        const result = await fn(client(c));
        await c.query('COMMIT');
        return result;
      } catch (err) {
        await c.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw err;
      } finally {
        c.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
