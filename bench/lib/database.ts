/**
 * A fresh lead database per scenario run: a new PostgreSQL database (`bench_<pid>_<n>`) on the
 * server of DATABASE_URL, or a new PGlite data directory. Dropped or deleted at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type Backend = 'postgres' | 'pglite';

/** A fixed key, so children need no key file (the bench's stored credentials are the emulator's). */
const SECRET_KEY = Buffer.alloc(32, 7).toString('base64');

export interface BenchDb {
  readonly backend: Backend;
  /** The PostgreSQL database's name (its backends' process titles carry it); undefined on PGlite. */
  readonly name?: string;
  /** Environment for dynasync processes using this database. */
  readonly env: Record<string, string | undefined>;
  drop(): Promise<void>;
}

export const serverUrl = (): string | undefined => process.env.DATABASE_URL || undefined;

export async function createBenchDb(backend: Backend): Promise<BenchDb> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dynasync-bench-'));
  const base = { DYNASYNC_DATA_DIR: dataDir, DYNASYNC_SECRET_KEY: SECRET_KEY, DYNASYNC_LOG_LEVEL: 'warn' };
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (backend === 'pglite') return { backend, env: { ...base, DATABASE_URL: '' }, drop: async () => removeDir() };

  const url = serverUrl();
  if (!url) throw new Error('the postgres backend needs DATABASE_URL');
  const name = `bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  await admin(url, `CREATE DATABASE ${name}`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return {
    backend,
    name,
    env: { ...base, DATABASE_URL: dbUrl.toString() },
    drop: async () => {
      removeDir();
      await admin(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
