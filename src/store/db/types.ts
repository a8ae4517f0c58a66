/**
 * The one database interface the rest of store/ is written against, implemented twice:
 * PGlite (embedded default, in $DYNASYNC_DATA_DIR) and PostgreSQL (DATABASE_URL).
 * Row values come back as the drivers give them, except that int8/numeric are never relied on:
 * queries cast counts to ::int so both backends agree.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /**
   * Bulk-loads rows with COPY ... FROM STDIN (text format) into `table` (often a temp staging table).
   * Values: null/undefined → NULL, objects → JSON text, Date → ISO string, others → String(v).
   * Returns the number of rows loaded.
   */
  copyRows(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<number>;
}

export interface Db extends SqlClient {
  readonly kind: 'pglite' | 'postgres';
  /** The schema dynasync's tables live in (`public` unless isolated: tests, the demo). */
  readonly schema?: string;
  /** Runs fn in one transaction (BEGIN/COMMIT, ROLLBACK on throw). Not re-entrant. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
