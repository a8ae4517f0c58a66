/**
 * PGlite instances for tests, shared within a test file: each test gets its own schema on an idle
 * instance (migrated into it, dropped afterwards), which costs ~0.1 s instead of a new instance.
 *
 * Measured on the 2-core dev VM (PGlite 0.5.16, Node 20):
 *   fresh instance (initdb)                         2.5–5 s, ~730 MB RSS
 *   clone: loadDataDir of a dumped initdb tarball   1.1–1.5 s, ~+250 MB RSS (1.1 s gzip or not)
 *   clone: copy a data dir on disk + open it        0.8–1.4 s (no faster than loadDataDir)
 *   new schema + migrations on a running instance   ~80 ms, + ~30 ms to drop it afterwards
 * So: one instance per file, new ones only while another test still holds one, cloned from a
 * tarball of a bare initdb that is kept in the OS temp dir across runs (per PGlite version).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

const templatePath = join(tmpdir(), `dynasync-test-pglite-${pgliteVersion()}.tar.gz`);

const idle: PGlite[] = [];
let template: Blob | undefined;

async function freshInstance(): Promise<PGlite> {
  const pg = await PGlite.create();
  // Dump before anything is created in it, so the tarball is a bare initdb whatever tests do later.
  const dump = await pg.dumpDataDir('gzip');
  template = dump;
  const tmp = `${templatePath}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
  renameSync(tmp, templatePath); // atomic: concurrent workers each write a whole, equal file
  return pg;
}

async function clonedInstance(): Promise<PGlite | undefined> {
  if (!template && existsSync(templatePath)) template = new Blob([readFileSync(templatePath)]);
  if (!template) return undefined;
  try {
    return await PGlite.create({ loadDataDir: template });
  } catch {
    template = undefined; // a damaged cache file: fall back to initdb, which rewrites it
    return undefined;
  }
}

export async function acquirePglite(): Promise<PGlite> {
  return idle.pop() ?? (await clonedInstance()) ?? (await freshInstance());
}

/** Back to the idle list if it is still usable, else closed for good. */
export async function releasePglite(pg: PGlite, schema: string): Promise<void> {
  try {
    await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pg.exec('DISCARD ALL'); // temp tables, session settings, prepared statements of the test
    idle.push(pg);
  } catch {
    await pg.close().catch(() => undefined);
  }
}
