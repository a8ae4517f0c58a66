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
import { DatabaseReopenFailed, describeDatabaseFailure } from '../errors.js';
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
  /** Opens a fresh instance on the same files (file-backed only): see Instance. */
  readonly reopen?: () => Promise<PGlite>;
}

/**
 * The instance a Db runs on. A file-backed PGlite whose write failed half-way (its files turned
 * read-only) stays wedged even once they are writable again ("XLogBeginInsert was already
 * called"), where a PostgreSQL server would restart its backend: so the next statement after such
 * a failure first replaces the instance with a fresh one on the same files, which recovers from
 * its WAL as a server does. Until the files are writable, reopening fails and says why.
 */
class Instance {
  #wedged = false;
  #reviving: Promise<PGlite> | null = null;
  constructor(
    private pg: PGlite,
    private readonly reopen: (() => Promise<PGlite>) | undefined,
  ) {}

  get current(): PGlite {
    return this.pg;
  }

  async use<T>(fn: (pg: PGlite) => Promise<T>): Promise<T> {
    const pg = this.#wedged ? await this.revive() : this.pg;
    try {
      return await fn(pg);
    } catch (err) {
      if (this.reopen && describeDatabaseFailure(err)?.code === 'database_read_only') this.#wedged = true;
      throw err;
    }
  }

  private revive(): Promise<PGlite> {
    this.#reviving ??= (async () => {
      try {
        await this.pg.close().catch(() => undefined);
        this.pg = await this.reopen!().catch((err: unknown) => {
          throw new DatabaseReopenFailed(err);
        });
        this.#wedged = false;
        return this.pg;
      } finally {
        this.#reviving = null;
      }
    })();
    return this.#reviving;
  }
}

/** A Db over an open PGlite instance. Does not migrate: see migratePglite. */
export async function wrapPglite(pg: PGlite, opts: WrapPgliteOptions = {}): Promise<Db> {
  const setPath = async (p: PGlite) => {
    if (!opts.schema) return;
    await p.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(opts.schema)}`);
    await p.query(`SET search_path TO ${quoteIdent(opts.schema)}`);
  };
  await setPath(pg);
  const reopen = opts.reopen;
  const instance = new Instance(
    pg,
    reopen &&
      (async () => {
        const fresh = await reopen();
        await setPath(fresh);
        return fresh;
      }),
  );
  let closed = false;
  return {
    kind: 'pglite',
    schema: opts.schema ?? 'public',
    query: (text, params) => instance.use((p) => query(p, text, params)),
    // Several COPY chunks must land together or not at all, as one COPY does on PostgreSQL.
    copyRows: (table, columns, rows) => instance.use((p) => p.transaction((tx) => copyInto(tx, table, columns, rows))),
    transaction: (fn) => instance.use((p) => p.transaction((tx) => fn(txClient(tx)))),
    async close() {
      if (closed) return;
      closed = true;
      try {
        if (opts.closeInstance !== false) await instance.current.close();
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
    const fresh = async () => {
      const pg = new PGlite({ dataDir: pgdata });
      await pg.waitReady;
      logger.warn({ dataDir }, 'the embedded database was reopened after a failed write');
      return pg;
    };
    return await openInstance(new PGlite({ dataDir: pgdata }), opts, () => lock.release(), fresh);
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function openInstance(
  pg: PGlite,
  opts: OpenPgliteOptions,
  onClose: (() => void) | undefined,
  reopen?: () => Promise<PGlite>,
): Promise<Db> {
  const started = performance.now();
  try {
    await pg.waitReady;
    const db = await wrapPglite(pg, { schema: opts.schema, onClose, ...(reopen ? { reopen } : {}) });
    await migratePglite(pg, opts.schema, opts.logger);
    opts.logger.debug({ ms: Math.round(performance.now() - started), dataDir: opts.dataDir }, 'PGlite open');
    return db;
  } catch (err) {
    if (!pg.closed) await pg.close().catch(() => undefined);
    throw err;
  }
}
