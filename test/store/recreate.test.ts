/** The demo's fresh database: emptied only once its lock is held, never under a running process. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/logger.js';
import { openDb } from '../../src/store/db/open.js';
import { DATABASE_URL } from '../helpers/db.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('openDb({ recreate: true })', () => {
  it('refuses a PGlite database another process holds, leaving it intact, and empties it once free', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dynasync-recreate-'));
    dirs.push(dataDir);
    const first = await openDb({ dataDir, logger: silentLogger() });
    await first.query(`INSERT INTO settings (key, value) VALUES ('kept', '1'::jsonb)`);
    await expect(openDb({ dataDir, logger: silentLogger(), recreate: true })).rejects.toThrow(
      /Another dynasync process/,
    );
    expect((await first.query(`SELECT key FROM settings WHERE key = 'kept'`)).rows).toHaveLength(1);
    await first.close();

    const fresh = await openDb({ dataDir, logger: silentLogger(), recreate: true });
    expect((await fresh.query(`SELECT key FROM settings WHERE key = 'kept'`)).rows).toHaveLength(0);
    await fresh.close();
  });

  it.runIf(DATABASE_URL)('drops only its own PostgreSQL schema, and never public', async () => {
    await expect(openDb({ databaseUrl: DATABASE_URL, logger: silentLogger(), recreate: true })).rejects.toThrow(
      /never public/,
    );
    const schema = `recreate_${process.pid}`;
    const a = await openDb({ databaseUrl: DATABASE_URL, schema, logger: silentLogger() });
    await a.query(`INSERT INTO settings (key, value) VALUES ('kept', '1'::jsonb)`);
    await a.close();
    const b = await openDb({ databaseUrl: DATABASE_URL, schema, logger: silentLogger(), recreate: true });
    expect((await b.query(`SELECT key FROM settings WHERE key = 'kept'`)).rows).toHaveLength(0);
    await b.query(`DROP SCHEMA "${schema}" CASCADE`);
    await b.close();
  });
});
