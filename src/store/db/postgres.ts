/**
 * The server backend: a pg.Pool on DATABASE_URL. Transactions hold one pooled connection from
 * BEGIN to COMMIT; COPY streams text-format rows through pg-copy-streams.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Logger } from '../../config/logger.js';
import { FatalError } from '../../domain/errors.js';
import { copyTextChunks } from './copy-text.js';
import { migratePostgres } from './migrate.js';
import { redacting } from './redact.js';
import { pgTypes } from './pg-types.js';
import { assertSchemaName, copyStatement, quoteIdent } from './sql.js';
import type { Db, QueryResult, SqlClient } from './types.js';

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

async function query<R>(q: Queryable, text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
  const r = await redacting(q.query(text, params as unknown[] | undefined));
  return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
}

async function copyInto(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly unknown[]>,
) {
  const stream = client.query(copyFrom(copyStatement(table, columns, 'STDIN')));
  const text = Readable.from(
    (function* () {
      for (const chunk of copyTextChunks(rows, columns.length)) yield chunk.text;
    })(),
  );
  await redacting(pipeline(text, stream));
  return stream.rowCount;
}

/** Runs fn on a pooled connection; a connection that failed mid-protocol is destroyed, not reused. */
async function withClient<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    const result = await fn(client);
    client.release();
    return result;
  } catch (err) {
    client.release(err as Error);
    throw err;
  }
}

/** The transaction's client refuses work once the transaction ended: its connection is someone else's by then. */
function txClient(client: pg.PoolClient, isOpen: () => boolean): SqlClient {
  const check = () => {
    if (!isOpen()) throw new Error('This transaction has already finished; use the Db, not the old transaction client');
  };
  return {
    query: async (text, params) => (check(), query(client, text, params)),
    copyRows: async (table, columns, rows) => (check(), copyInto(client, table, columns, rows)),
  };
}

async function transaction<T>(pool: pg.Pool, fn: (tx: SqlClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let open = true;
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(txClient(client, () => open));
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackErr: Error) => {
      broken = rollbackErr;
    });
    throw err;
  } finally {
    open = false;
    client.release(broken);
  }
}

/** The URL minus its password, for error messages. */
function describeUrl(databaseUrl: string): string {
  try {
    const u = new URL(databaseUrl);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/**
 * Pool config with the search path (and jit=off) as startup options, so every connection uses them
 * before its first query. A connection string's own `options` would override ours, so they are merged.
 */
function poolConfig(
  databaseUrl: string,
  schema: string | undefined,
  max = 10,
  idleTimeoutMillis?: number,
): pg.PoolConfig {
  const base: pg.PoolConfig = {
    types: pgTypes,
    application_name: 'dynasync',
    max,
    ...(idleTimeoutMillis === undefined ? {} : { idleTimeoutMillis }),
  };
  const url = new URL(databaseUrl);
  const own = url.searchParams.get('options');
  url.searchParams.delete('options');
  // JIT off: our statements are short, and a page's staged joins (estimated from a temp table
  // without statistics) crossed jit_above_cost, spending 20-100 ms compiling each of them.
  const search = schema ? `-c search_path=${assertSchemaName(schema)}` : '';
  // Later settings win: the URL's own options may turn JIT back on, but not move the schema.
  const options = ['-c jit=off', own, search].filter(Boolean).join(' ');
  return { ...base, connectionString: url.toString(), options };
}

export interface OpenPostgresOptions {
  readonly databaseUrl: string;
  readonly logger: Logger;
  readonly schema?: string;
  /** Drop the schema first (never public; checked by openDb). */
  readonly recreate?: boolean;
  /** Pool size (default 10); a process holding many organizations' databases keeps each small. */
  readonly maxConnections?: number;
  /** How long an idle pooled connection stays open (pg's default 10 s); a cache of many pools keeps it short. */
  readonly idleTimeoutMs?: number;
}

export async function openPostgres(opts: OpenPostgresOptions): Promise<Db> {
  const pool = new pg.Pool(poolConfig(opts.databaseUrl, opts.schema, opts.maxConnections, opts.idleTimeoutMs));
  pool.on('error', (err) => opts.logger.warn({ err }, 'an idle PostgreSQL connection failed'));
  try {
    if (opts.recreate && opts.schema)
      await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(assertSchemaName(opts.schema))} CASCADE`);
    await migratePostgres(pool, opts.schema, opts.logger);
  } catch (err) {
    await pool.end().catch(() => undefined);
    const code = (err as { code?: string }).code;
    if (code && /^(ECONN|ENOTFOUND|EAI_|28|3D)/.test(code)) {
      throw new FatalError(
        'database_unreachable',
        `Cannot use PostgreSQL at ${describeUrl(opts.databaseUrl)}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    throw err;
  }
  let closed = false;
  return {
    kind: 'postgres',
    schema: opts.schema ?? 'public',
    query: (text, params) => query(pool, text, params),
    copyRows: (table, columns, rows) => withClient(pool, (c) => copyInto(c, table, columns, rows)),
    transaction: (fn) => transaction(pool, fn),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
