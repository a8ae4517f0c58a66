/**
 * Sync errors: records that could not be applied (bad value, unknown option, unreadable column),
 * searchable in the UI and exportable as CSV. A record error never stops its page; this table is
 * where it goes instead.
 */
import { csvLine } from './db/csv.js';
import type { SqlClient } from './db/types.js';

export type SyncOperation = 'create' | 'update' | 'delete' | 'read' | 'schema';
export type SyncDirection = 'from_dynamics' | 'to_dynamics';

export interface NewSyncError {
  readonly entity: string;
  readonly recordId?: string | null;
  readonly operation: SyncOperation;
  readonly direction: SyncDirection;
  readonly code: string;
  readonly message: string;
  readonly personId?: number | null;
  readonly runId?: number | null;
  readonly occurredAt?: Date;
  /** The Dynamics column at fault; omitted or '' when the problem is the record as a whole. */
  readonly column?: string;
}

export interface SyncErrorEntry {
  readonly id: number;
  readonly occurredAt: Date;
  readonly entity: string;
  readonly recordId: string | null;
  readonly operation: SyncOperation;
  readonly direction: SyncDirection;
  readonly code: string;
  readonly message: string;
  readonly personId: number | null;
  readonly runId: number | null;
  readonly column: string;
  readonly lastSeenAt: Date;
  /** How many times this problem was seen on this record while it stayed open. */
  readonly occurrences: number;
  /** When the record next synced; null while the problem is open. */
  readonly resolvedAt: Date | null;
  /** Null when the record synced; 'admin' (resolved by hand) or 'retry' (its write was retried). */
  readonly resolvedBy: string | null;
}

const COLUMNS = `id, occurred_at, entity, record_id, operation, direction, code, message, person_id, run_id,
  column_name, last_seen_at, occurrences, resolved_at, resolved_by`;

interface Row {
  id: number;
  occurred_at: Date;
  entity: string;
  record_id: string | null;
  operation: SyncOperation;
  direction: SyncDirection;
  code: string;
  message: string;
  person_id: number | null;
  run_id: number | null;
  column_name: string;
  last_seen_at: Date;
  occurrences: number;
  resolved_at: Date | null;
  resolved_by: string | null;
}

const toEntry = (r: Row): SyncErrorEntry => ({
  id: r.id,
  occurredAt: r.occurred_at,
  entity: r.entity,
  recordId: r.record_id,
  operation: r.operation,
  direction: r.direction,
  code: r.code,
  message: r.message,
  personId: r.person_id,
  runId: r.run_id,
  column: r.column_name,
  lastSeenAt: new Date(r.last_seen_at),
  occurrences: r.occurrences,
  resolvedAt: r.resolved_at === null ? null : new Date(r.resolved_at),
  resolvedBy: r.resolved_by,
});

// A page's errors go in with one statement (one jsonb parameter), whatever their number. A record
// problem that is still open (same record, column, code and direction) is not added again: its
// last-seen time and count move instead, so a full read that re-reads a bad record logs nothing new.
const UPSERT = `
INSERT INTO sync_errors (occurred_at, last_seen_at, entity, record_id, operation, direction, code, message, person_id, run_id, column_name)
SELECT t, t, x.entity, x.record_id, x.operation, x.direction, x.code, x.message, x.person_id, x.run_id, x.column_name
FROM jsonb_to_recordset($1::jsonb) AS x(occurred_at timestamptz, entity text, record_id text, operation text,
  direction text, code text, message text, person_id bigint, run_id bigint, column_name text)
CROSS JOIN LATERAL (SELECT coalesce(x.occurred_at, now()) AS t) n
ON CONFLICT (entity, record_id, column_name, code, direction) WHERE resolved_at IS NULL AND record_id IS NOT NULL
DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at, occurrences = sync_errors.occurrences + 1,
  message = EXCLUDED.message, run_id = EXCLUDED.run_id, person_id = coalesce(EXCLUDED.person_id, sync_errors.person_id)
RETURNING id, (xmax = 0) AS is_new, record_id`;

export interface RecordedSyncError {
  readonly id: number;
  /** False when an open error of the same problem was bumped instead. */
  readonly isNew: boolean;
  readonly recordId: string | null;
}

const keyOf = (e: NewSyncError, i: number): string =>
  e.recordId ? JSON.stringify([e.entity, e.recordId, e.column ?? '', e.code, e.direction]) : `#${i}`;

export async function recordSyncErrors(c: SqlClient, errors: readonly NewSyncError[]): Promise<RecordedSyncError[]> {
  // One statement cannot touch a row twice: a problem listed twice in one batch is recorded once.
  const unique = [...new Map(errors.map((e, i) => [keyOf(e, i), e])).values()];
  if (unique.length === 0) return [];
  const rows = unique.map((e) => ({
    occurred_at: e.occurredAt?.toISOString() ?? null,
    entity: e.entity,
    record_id: e.recordId ?? null,
    operation: e.operation,
    direction: e.direction,
    code: e.code,
    message: e.message,
    person_id: e.personId ?? null,
    run_id: e.runId ?? null,
    column_name: e.column ?? '',
  }));
  const r = await c.query<{ id: number | string; is_new: boolean; record_id: string | null }>(UPSERT, [
    JSON.stringify(rows),
  ]);
  return r.rows.map((x) => ({ id: Number(x.id), isNew: x.is_new, recordId: x.record_id }));
}

export async function recordSyncError(c: SqlClient, error: NewSyncError): Promise<number> {
  const [recorded] = await recordSyncErrors(c, [error]);
  return recorded!.id;
}

/** Records that synced after all: their open problems from Dynamics are history now. */
export async function resolveSyncErrors(
  c: SqlClient,
  entity: string,
  recordIds: readonly string[],
  now: Date,
): Promise<number> {
  if (recordIds.length === 0) return 0;
  const r = await c.query(
    `UPDATE sync_errors SET resolved_at = $3
     WHERE resolved_at IS NULL AND record_id IS NOT NULL AND entity = $1 AND record_id = ANY($2::text[]) AND direction = 'from_dynamics'`,
    [entity, recordIds, now],
  );
  return r.rowCount;
}

export interface SyncErrorQuery {
  /** Matched (case-insensitively, as a substring) against message, code, record id and entity. */
  readonly text?: string;
  readonly entity?: string;
  readonly runId?: number;
  /** occurred_at >= from */
  readonly from?: Date;
  /** occurred_at < to */
  readonly to?: Date;
}

/** The text is data, not a pattern: LIKE's wildcards in it are escaped. */
const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

// One static WHERE with "parameter IS NULL OR ..." per filter: no SQL is assembled from input.
const WHERE = `
WHERE ($1::text IS NULL OR message ILIKE $1 OR code ILIKE $1 OR record_id ILIKE $1 OR entity ILIKE $1)
  AND ($2::text IS NULL OR entity = $2)
  AND ($3::bigint IS NULL OR run_id = $3)
  AND ($4::timestamptz IS NULL OR occurred_at >= $4)
  AND ($5::timestamptz IS NULL OR occurred_at < $5)`;

const filterParams = (q: SyncErrorQuery): unknown[] => [
  q.text ? likePattern(q.text) : null,
  q.entity ?? null,
  q.runId ?? null,
  q.from ?? null,
  q.to ?? null,
];

export interface SyncErrorPage {
  readonly items: SyncErrorEntry[];
  readonly total: number;
}

/**
 * Newest first (id order), `limit` (1..1000, default 50) rows with ids below `beforeId`, plus the
 * total matching. Keyset paging: page 10,000 costs what page 1 does.
 */
export async function searchSyncErrors(
  c: SqlClient,
  q: SyncErrorQuery & { limit?: number; beforeId?: number } = {},
): Promise<SyncErrorPage> {
  const params = filterParams(q);
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 1000);
  const items = await c.query<Row>(
    `SELECT ${COLUMNS} FROM sync_errors ${WHERE} AND ($6::bigint IS NULL OR id < $6) ORDER BY id DESC LIMIT $7`,
    [...params, q.beforeId ?? null, limit],
  );
  const count = await c.query<{ total: number }>(`SELECT count(*)::int AS total FROM sync_errors ${WHERE}`, params);
  return { items: items.rows.map(toEntry), total: count.rows[0]?.total ?? 0 };
}

export const SYNC_ERROR_CSV_HEADER = [
  'id',
  'occurred_at',
  'entity',
  'record_id',
  'operation',
  'direction',
  'code',
  'message',
  'person_id',
  'run_id',
] as const;

/**
 * Every matching error as CSV lines (header first, CRLF as RFC 4180 has it), oldest first. Reads
 * in keyset batches, so an export of millions of rows holds one batch in memory at a time.
 * Text from Dynamics that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
 * leading apostrophe, the OWASP remedy for CSV injection.
 */
export async function* syncErrorsCsv(c: SqlClient, q: SyncErrorQuery = {}, batchSize = 1000): AsyncGenerator<string> {
  yield csvLine(SYNC_ERROR_CSV_HEADER, '\r\n');
  const params = filterParams(q);
  let afterId = 0;
  for (;;) {
    const r = await c.query<Row>(`SELECT ${COLUMNS} FROM sync_errors ${WHERE} AND id > $6 ORDER BY id LIMIT $7`, [
      ...params,
      afterId,
      batchSize,
    ]);
    for (const row of r.rows) {
      yield csvLine(
        SYNC_ERROR_CSV_HEADER.map((col) => defuseFormula(row[col])),
        '\r\n',
      );
    }
    if (r.rows.length < batchSize) return;
    afterId = (r.rows[r.rows.length - 1] as Row).id;
  }
}

const defuseFormula = (v: unknown): unknown => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
