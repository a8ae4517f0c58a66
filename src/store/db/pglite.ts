/**
 * The embedded backend: PGlite (PostgreSQL in WASM) in a data directory guarded by a lock file,
 * or in memory. The directory holds our files (lock, secret key) beside `pgdata/`, PGlite's own.
 *
 * initdb is expensive (seconds, ~730 MB RSS) but happens once; reopening takes a fraction of that.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Logger } from '../../config/logger.js';
import { copyTextChunks } from './copy-text.js';
import { acquireDataDirLock } from './lock.js';
import { migratePglite } from './migrate.js';
import { redacting } from './redact.js';
import { copyStatement, quoteIdent } from './sql.js';
import type { Db, QueryResult, SqlClient } from './types.js';

type Queryable = Pick<Transaction, 'query'>;

/** A COPY's text is handed to PGlite whole, as a file: bounded pieces keep that copy small. */
const COPY_CHUNK_CHARS = 16 << 20;

async function query<R>(q: Queryable, text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
  const r = await redacting(q.query<R>(text, params ? [...params] : undefined));
  return { rows: r.rows, rowCount: r.rowCount ?? r.affectedRows ?? r.rows.length };
}

async function copyInto(q: Queryable, table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>) {
  const sql = copyStatement(table, columns, `'/dev/blob'`);
  let loaded = 0;
  for (const chunk of copyTextChunks(rows, columns.length, COPY_CHUNK_CHARS)) {
    const r = await redacting(q.query(sql, [], { blob: new Blob([chunk.text]) }));
    loaded += r.rowCount ?? r.affectedRows ?? chunk.rows;
  }
  return loaded;
}

function txClient(tx: Transaction): SqlClient {
  return {
    query: (text, params) => query(tx, text, params),
    copyRows: (table, columns, rows) => copyInto(tx, table, columns, rows),
  };
}

export interface WrapPgliteOptions {
  /** Run every statement in this schema (tests isolate themselves this way on a shared instance). */
  readonly schema?: string;
  /** Called once by close(), after the instance is closed (e.g. to release the lock). */
  readonly onClose?: () => Promise<void> | void;
  /** False when the instance is shared and outlives this Db (test helpers). */
  readonly closeInstance?: boolean;
}

/** A Db over an open PGlite instance. Does not migrate: see migratePglite. */
export async function wrapPglite(pg: PGlite, opts: WrapPgliteOptions = {}): Promise<Db> {
  if (opts.schema) {
    await pg.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(opts.schema)}`);
    await pg.query(`SET search_path TO ${quoteIdent(opts.schema)}`);
  }
  let closed = false;
  return {
    kind: 'pglite',
    schema: opts.schema ?? 'public',
    query: (text, params) => query(pg, text, params),
    // Several COPY chunks must land together or not at all, as one COPY does on PostgreSQL.
    copyRows: (table, columns, rows) => pg.transaction((tx) => copyInto(tx, table, columns, rows)),
    transaction: (fn) => pg.transaction((tx) => fn(txClient(tx))),
    async close() {
      if (closed) return;
      closed = true;
      try {
        if (opts.closeInstance !== false) await pg.close();
      } finally {
        await opts.onClose?.();
      }
    },
  };
}

export interface OpenPgliteOptions {
  /** Omitted: in memory, gone on close. */
  readonly dataDir?: string;
  readonly logger: Logger;
  readonly schema?: string;
  /** Remove the data files once the lock is held: start empty. */
  readonly recreate?: boolean;
}

export const pgliteDataPath = (dataDir: string): string => join(dataDir, 'pgdata');

export async function openPglite(opts: OpenPgliteOptions): Promise<Db> {
  const { dataDir, logger } = opts;
  if (!dataDir) return openInstance(new PGlite(), opts, undefined);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock = acquireDataDirLock(dataDir, logger);
  try {
    const pgdata = pgliteDataPath(dataDir);
    if (opts.recreate) {
      rmSync(pgdata, { recursive: true, force: true });
      logger.info({ dataDir }, 'creating an empty lead database (takes a few seconds)');
    } else if (!existsSync(join(pgdata, 'PG_VERSION'))) {
      logger.info({ dataDir }, 'creating the lead database (first run only, takes a few seconds)');
    }
    return await openInstance(new PGlite({ dataDir: pgdata }), opts, () => lock.release());
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function openInstance(pg: PGlite, opts: OpenPgliteOptions, onClose: (() => void) | undefined): Promise<Db> {
  const started = performance.now();
  try {
    await pg.waitReady;
    const db = await wrapPglite(pg, { schema: opts.schema, onClose });
    await migratePglite(pg, opts.schema, opts.logger);
    opts.logger.debug({ ms: Math.round(performance.now() - started), dataDir: opts.dataDir }, 'PGlite open');
    return db;
  } catch (err) {
    if (!pg.closed) await pg.close().catch(() => undefined);
    throw err;
  }
}
