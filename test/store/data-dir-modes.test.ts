/**
 * The data directory is owner-only whatever existed before (issue 15): a directory made beforehand
 * with mode 0755, a stray world-writable file in it and a permissive umask gave PGlite files 0666
 * and folders 0755. A directory that other users can write and that is not ours is refused before
 * anything is written. Real PGlite on disk; on PostgreSQL (DATABASE_URL) the directory that holds
 * the key is made owner-only too.
 */
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/index.js';
import { FatalError } from '../../src/domain/index.js';
import { openDb } from '../../src/store/db/index.js';
import { DATABASE_URL, testSchemaName } from '../helpers/db.js';

let root: string;
let umask: number;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'dynasync-modes-'));
  // A common umask, and a permissive one is no better: what PGlite writes must not depend on it.
  umask = process.umask(0o000);
});

afterEach(() => {
  process.umask(umask);
  rmSync(root, { recursive: true, force: true });
});

/** Every path under dir (itself included) whose mode lets group or others in, with its mode. */
function openToOthers(dir: string): string[] {
  const st = lstatSync(dir);
  if (st.isSymbolicLink()) return [];
  const here = (st.mode & 0o077) !== 0 ? [`${dir} ${(st.mode & 0o777).toString(8)}`] : [];
  return st.isDirectory() ? [...here, ...readdirSync(dir).flatMap((n) => openToOthers(join(dir, n)))] : here;
}

/** A data directory as a user may have prepared it: mkdir'd 0755, a stray 0666 file, a 0777 folder. */
function preparedDataDir(): string {
  const dir = join(root, 'data');
  mkdirSync(dir);
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'notes.txt'), 'x');
  chmodSync(join(dir, 'notes.txt'), 0o666);
  mkdirSync(join(dir, 'backup'));
  chmodSync(join(dir, 'backup'), 0o777);
  return dir;
}

describe('data directory modes', () => {
  it('makes the embedded database owner-only in a directory made beforehand with mode 0755', async () => {
    const dir = preparedDataDir();
    // A link may point anywhere: its target is not ours to change.
    const outside = join(root, 'outside.txt');
    writeFileSync(outside, 'y');
    chmodSync(outside, 0o644);
    symlinkSync(outside, join(dir, 'link'));
    const db = await openDb({ dataDir: dir, logger: silentLogger() });
    try {
      await db.query('CREATE TABLE mode_probe (id int)');
      await db.query('INSERT INTO mode_probe VALUES (1)');
      await db.query('CHECKPOINT');
      expect(readdirSync(join(dir, 'pgdata')).length).toBeGreaterThan(0);
      expect(openToOthers(dir)).toEqual([]);
    } finally {
      await db.close();
    }
    expect(openToOthers(dir)).toEqual([]);
    expect(lstatSync(outside).mode & 0o777).toBe(0o644);
  }, 120_000);

  it.skipIf(process.getuid?.() !== 0)(
    'refuses a directory of another user that others can write, before writing to it',
    async () => {
      const dir = join(root, 'shared');
      mkdirSync(dir);
      chownSync(dir, 65534, 65534); // nobody
      chmodSync(dir, 0o777);
      const err = await openDb({ dataDir: dir, logger: silentLogger() }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FatalError);
      expect((err as FatalError).code).toBe('data_dir_unsafe');
      expect((err as Error).message).toContain(
        `The data directory ${dir} belongs to another user (uid 65534) and other users can write to it (mode 0777)`,
      );
      expect(readdirSync(dir)).toEqual([]);
      expect(existsSync(join(dir, 'pgdata'))).toBe(false);
    },
  );

  it.skipIf(!DATABASE_URL)('makes an existing data directory owner-only on PostgreSQL too', async () => {
    const dir = preparedDataDir();
    const schema = testSchemaName();
    const db = await openDb({ databaseUrl: DATABASE_URL, dataDir: dir, schema, logger: silentLogger() });
    try {
      expect(openToOthers(dir)).toEqual([]);
      expect(existsSync(join(dir, 'pgdata'))).toBe(false);
    } finally {
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.close();
    }
  });
});
