/**
 * The data directory holds the lead database (PGlite's pgdata/), the secret key and the lock: only
 * its owner may read or write anything in it, whatever existed before. PGlite creates its files with
 * the process's umask (0666 and 0777 under umask 0), and a directory made beforehand (mode 0755 by
 * mkdir) lets every user read the database. So at start:
 *
 * - the process's umask becomes 077, so everything it writes from now on is owner-only;
 * - a directory that other users can write and that this process does not own is refused: another
 *   user could swap the database or the key under us, and chmod would not make it ours;
 * - the directory and everything under it lose their group and other bits (symbolic links are not
 *   followed: they may point anywhere).
 *
 * PGlite's initdb writes its files 0666 whatever the umask (measured: PG_VERSION, base/*, the first
 * WAL segment; its folders and every file it creates later follow the umask), so the walk runs
 * again once the database is open.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FatalError } from '../../domain/index.js';

const OWNER_ONLY = 0o077;

const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');

/** Where process.umask cannot be set (a worker thread), the chmod walk at start still applies. */
function ownerOnlyUmask(): void {
  try {
    process.umask(OWNER_ONLY);
  } catch {
    // ERR_WORKER_UNSUPPORTED_OPERATION
  }
}

function refuseForeignWritable(dir: string): void {
  const st = statSync(dir);
  const uid = process.getuid?.();
  if (uid === undefined || st.uid === uid || (st.mode & 0o022) === 0) return;
  throw new FatalError(
    'data_dir_unsafe',
    `The data directory ${dir} belongs to another user (uid ${st.uid}) and other users can write to it (mode ${octal(st.mode)}): ` +
      'anyone could replace the lead database or the secret key there. Use a directory of your own (DYNASYNC_DATA_DIR), ' +
      `or make this one yours: chown -R ${uid} ${dir} && chmod -R go-rwx ${dir}`,
  );
}

/** Removes group and other bits under `path` (itself included); returns how many modes changed. */
function tighten(path: string): number {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return 0;
  let changed = 0;
  if ((st.mode & OWNER_ONLY) !== 0) {
    try {
      chmodSync(path, st.mode & 0o7700);
    } catch (err) {
      throw new FatalError(
        'data_dir_unsafe',
        `Cannot make ${path} owner-only (mode ${octal(st.mode)}, owner uid ${st.uid}): ${(err as Error).message}. ` +
          'Every file of the data directory must belong to the user running dynasync.',
      );
    }
    changed++;
  }
  if (st.isDirectory()) for (const name of readdirSync(path)) changed += tighten(join(path, name));
  return changed;
}

/**
 * Makes `dir` owner-only, creating it when `create` (the embedded database's home); a missing
 * directory that is not to be created is left missing. Returns how many modes it changed; throws
 * FatalError('data_dir_unsafe').
 */
export function secureDataDir(dir: string, opts: { create: boolean }): number {
  ownerOnlyUmask();
  if (process.platform === 'win32') return 0; // no POSIX modes
  if (opts.create) mkdirSync(dir, { recursive: true, mode: 0o700 });
  else if (!statSync(dir, { throwIfNoEntry: false })) return 0;
  refuseForeignWritable(dir);
  return tighten(dir);
}
