import type { Db, SqlClient } from './types.js';

const isDb = (c: SqlClient): c is Db => typeof (c as Partial<Db>).transaction === 'function';

/**
 * Runs fn in a transaction when given the Db, or directly on the caller's transaction client.
 * Repositories take either, so a caller can fold their writes into a larger transaction
 * (e.g. a page's records and its checkpoint) or let them commit on their own.
 */
export function inTransaction<T>(client: SqlClient, fn: (tx: SqlClient) => Promise<T>): Promise<T> {
  return isDb(client) ? client.transaction(fn) : fn(client);
}
