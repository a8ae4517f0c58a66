/**
 * PGlite has no lock of its own: two processes opening one data directory would both write to it
 * and corrupt it. So the directory is guarded by a lock file created with O_EXCL that names its
 * holder (pid, the process's start time, host). A lock whose holder is gone is stale and taken
 * over; the start time catches a pid the kernel has since given to another process.
 *
 * Released on close and on a normal exit. A SIGKILL leaves the file behind, and the next open
 * finds its pid dead and takes it over.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../config/logger.js';
import { FatalError } from '../../domain/errors.js';

export const LOCK_FILE = 'dynasync.lock';

export interface LockOwner {
  readonly pid: number;
  /** Process start time in clock ticks since boot (Linux /proc), to detect pid reuse. */
  readonly startTicks: string | null;
  readonly host: string;
  readonly startedAt: string;
  readonly token: string;
}

export interface DataDirLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Idempotent; removes the file only while it is still ours. */
  release(): void;
}

/** Field 22 of /proc/<pid>/stat; null where /proc does not exist or the process is gone. */
export function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the lock's holder may still be using the directory. Unknown is treated as alive. */
export function holderAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true; // a process on another machine cannot be checked
  if (!pidAlive(owner.pid)) return false;
  const ticks = processStartTicks(owner.pid);
  return owner.startTicks === null || ticks === null || ticks === owner.startTicks;
}

function readOwner(path: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof parsed.pid === 'number' && typeof parsed.token === 'string' ? (parsed as LockOwner) : null;
  } catch {
    return null; // gone, half-written or not ours to understand: the caller decides by its age
  }
}

function tryCreate(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new FatalError('data_dir_lock_failed', `Cannot create lock file ${path}: ${(err as Error).message}`);
  }
  try {
    writeSync(fd, JSON.stringify(owner));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

function lockedError(dir: string, path: string, holder: LockOwner | null): FatalError {
  const who = holder
    ? `pid ${holder.pid}${holder.host === hostname() ? '' : ` on host ${holder.host}`}, since ${holder.startedAt}`
    : 'unknown pid';
  return new FatalError(
    'data_dir_locked',
    `Another dynasync process (${who}) is using ${dir}: the embedded database serves one process at a time. ` +
      'While `dynasync run` is up, use its web UI, REST API or /metrics (or run on PostgreSQL with DATABASE_URL); ' +
      `otherwise stop it first. If no such process exists, delete ${path}.`,
  );
}

/** A lock file that cannot be parsed is being written right now, or is garbage left by a crash. */
const UNREADABLE_STALE_MS = 10_000;

function staleUnreadable(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > UNREADABLE_STALE_MS;
  } catch {
    return true;
  }
}

function unlinkIfUnchanged(path: string, holder: LockOwner | null): void {
  const now = readOwner(path);
  // Another process may have taken the stale lock over between our read and now: leave theirs alone.
  if ((now?.token ?? null) !== (holder?.token ?? null)) return;
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export function acquireDataDirLock(dir: string, logger: Logger): DataDirLock {
  const path = join(dir, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    startTicks: processStartTicks(process.pid),
    host: hostname(),
    startedAt: new Date().toISOString(),
    token: randomUUID(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, owner)) return heldLock(path, owner);
    const holder = readOwner(path);
    if (holder ? holderAlive(holder) : !staleUnreadable(path)) throw lockedError(dir, path, holder);
    logger.warn({ lockFile: path, stalePid: holder?.pid }, 'taking over a stale lock left by a process that is gone');
    unlinkIfUnchanged(path, holder);
  }
  throw lockedError(dir, path, readOwner(path));
}

function heldLock(path: string, owner: LockOwner): DataDirLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    if (readOwner(path)?.token === owner.token) unlinkIfUnchanged(path, owner);
  };
  process.on('exit', release);
  return { path, owner, release };
}
