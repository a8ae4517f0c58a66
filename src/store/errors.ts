/** Errors the store raises for its own rules (the generic kinds live in domain/errors.ts). */
import { FatalError } from '../domain/errors.js';

/** The org URL cannot change once data has synced, unless the synced data is reset with it. */
export class ConnectionChangeRefused extends FatalError {
  constructor(
    readonly currentUrl: string,
    readonly requestedUrl: string,
  ) {
    super(
      'connection_change_refused',
      `The lead database already holds data synced from ${currentUrl}; connecting it to ${requestedUrl} ` +
        'would mix two organizations. Use --reset to clear the synced data and switch.',
    );
  }
}

/** Another writer saved this stream's checkpoint since it was read: a second runner is active. */
export class CheckpointConflictError extends FatalError {
  constructor(
    readonly stream: string,
    readonly expectedVersion: number | null,
  ) {
    super(
      'checkpoint_conflict',
      expectedVersion === null
        ? `The checkpoint of ${stream} was created by another runner meanwhile`
        : `The checkpoint of ${stream} is no longer at version ${expectedVersion}: another runner saved it meanwhile`,
    );
  }
}

/**
 * True for a failure of the database itself rather than of one statement: the server is down or
 * refuses connections, the connection dropped, or the disk is full or read-only. The caller waits
 * and tries again; the statement was not at fault.
 */
export const isDatabaseUnavailable = (err: unknown): boolean => describeDatabaseFailure(err) !== null;

function isUnreachable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    // SQLSTATE 08 connection exception, 53 insufficient resources (disk full, too many
    // connections), 57P admin/crash shutdown, 3D000 no such database, 55000 not accepting
    // connections; then the node socket and file-system codes.
    if (/^(08|53|57P|3D000|55000)/.test(code)) return true;
    if (/^(ECONN|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_|EHOSTUNREACH|ENOSPC|EROFS|EACCES|EIO)/.test(code)) return true;
  }
  const text = typeof message === 'string' ? message : '';
  return /Connection terminated|timeout exceeded when trying to connect|not currently accepting connections|Client has encountered a connection error/i.test(
    text,
  );
}

/** The embedded database could not be reopened after a failed write (its files are still not writable). */
export class DatabaseReopenFailed extends Error {
  constructor(cause: unknown) {
    super(
      `the embedded database could not be reopened after a failed write (${cause instanceof Error ? cause.message : String(cause)})`,
      { cause },
    );
    this.name = 'DatabaseReopenFailed';
  }
}

export type DatabaseFailureCode = 'database_full' | 'database_read_only' | 'database_unavailable';

/**
 * What a failure of the database itself is, in words a person can act on: the disk is full, its
 * files cannot be written (a read-only mount, a permission taken away), or it is unreachable.
 * Null for a failure of one statement.
 */
export function describeDatabaseFailure(err: unknown): { code: DatabaseFailureCode; message: string } | null {
  if (typeof err !== 'object' || err === null) return null;
  const { code, message } = err as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(err);
  if (code === '53100' || code === 'ENOSPC' || /No space left on device/i.test(text))
    return {
      code: 'database_full',
      message: `The lead database's disk is full (${text}). Free some space; the sync retries by itself.`,
    };
  if (
    err instanceof DatabaseReopenFailed ||
    code === '25006' ||
    code === 'EROFS' ||
    code === 'EACCES' ||
    /Read-only file system|Permission denied|XLogBeginInsert was already called/i.test(text)
  )
    return {
      code: 'database_read_only',
      message:
        `The lead database cannot write its files (${text}). Make its data directory writable by the ` +
        'user running dynasync; the sync retries by itself.',
    };
  if (isUnreachable(err)) return { code: 'database_unavailable', message: `The lead database is unavailable: ${text}` };
  return null;
}
