/**
 * Opens the lead database: PostgreSQL when a URL is given, else PGlite in the data directory
 * (created on first use) or in memory. Either way the migrations have run when it returns, and the
 * data directory (PGlite's files, the secret key, the lock) is owner-only (data-dir.ts).
 */
import type { Logger } from '../../config/logger.js';
import { FatalError } from '../../domain/errors.js';
import { secureDataDir } from './data-dir.js';
import type { OpenPgliteOptions } from './pglite.js';
import { openPostgres } from './postgres.js';
import { assertSchemaName } from './sql.js';
import type { Db } from './types.js';

export interface OpenDbOptions {
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  readonly inMemory?: boolean;
  readonly logger: Logger;
  /** Use (and create) this schema instead of `public`: isolates tests sharing one database. */
  readonly schema?: string;
  /**
   * Start from an empty database (the demo): PGlite's files are removed once its lock is held, so
   * a database another process is using is never touched; on PostgreSQL the (non-public) schema is
   * dropped.
   */
  readonly recreate?: boolean;
  /** PostgreSQL pool size (default 10). */
  readonly maxConnections?: number;
  /** PostgreSQL: how long an idle pooled connection stays open (default 10 s). */
  readonly idleTimeoutMs?: number;
}

/** PGlite (about 45 MB of WASM and JS) is loaded only by the processes that use it. */
async function openPglite(opts: OpenPgliteOptions): Promise<Db> {
  const pglite = await import('./pglite.js');
  return pglite.openPglite(opts);
}

export async function openDb(opts: OpenDbOptions): Promise<Db> {
  const { databaseUrl, dataDir, logger } = opts;
  const schema = opts.schema === undefined ? undefined : assertSchemaName(opts.schema);
  const recreate = opts.recreate === true;
  // Before anything is written there. On PostgreSQL it holds only the key and the runner file.
  if (dataDir && !opts.inMemory) {
    const changed = secureDataDir(dataDir, { create: !databaseUrl });
    if (changed > 0)
      logger.warn(
        { dataDir, changed },
        'made the data directory owner-only: other users could read or write some of its files',
      );
  }
  if (databaseUrl) {
    if (recreate && (!schema || schema === 'public'))
      throw new FatalError('recreate_public', 'Only a dedicated schema can be recreated, never public');
    return openPostgres({
      databaseUrl,
      logger,
      schema,
      recreate,
      maxConnections: opts.maxConnections,
      idleTimeoutMs: opts.idleTimeoutMs,
    });
  }
  if (opts.inMemory) return openPglite({ logger, schema });
  if (!dataDir) throw new FatalError('no_database', 'No database configured: set DATABASE_URL or DYNASYNC_DATA_DIR');
  const db = await openPglite({ dataDir, logger, schema, recreate });
  try {
    secureDataDir(dataDir, { create: false }); // initdb's files (see data-dir.ts)
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
