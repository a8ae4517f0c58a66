/**
 * Quick syncs (issue 11, reference 2.9): the queue, its progress, and the merge of one page of
 * freshly read column values into the stored rows.
 *
 * Every progress write names the version it read (like checkpoints), and commits in the same
 * transaction as the page it follows: a killed process resumes from the last committed page, and
 * two processes can never both advance one quick sync.
 */
import type { SqlClient } from './db/types.js';
import { CheckpointConflictError } from './errors.js';

export type QuickSyncState = 'queued' | 'running' | 'done' | 'failed';

export interface DateRange {
  readonly from: Date | null;
  readonly to: Date | null;
}

export interface QuickSync {
  readonly id: number;
  readonly entity: string;
  readonly fields: readonly string[];
  readonly range: DateRange;
  readonly state: QuickSyncState;
  readonly link: string | null;
  readonly rowsDone: number;
  readonly rowsFilled: number;
  readonly rowsTotal: number | null;
  readonly error: string | null;
  readonly version: number;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

interface Row {
  id: number | string;
  entity: string;
  fields: string[];
  modified_from: Date | null;
  modified_to: Date | null;
  state: QuickSyncState;
  link: string | null;
  rows_done: number;
  rows_filled: number;
  rows_total: number | null;
  error: string | null;
  version: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const toQuickSync = (r: Row): QuickSync => ({
  id: Number(r.id),
  entity: r.entity,
  fields: r.fields,
  range: { from: r.modified_from, to: r.modified_to },
  state: r.state,
  link: r.link,
  rowsDone: r.rows_done,
  rowsFilled: r.rows_filled,
  rowsTotal: r.rows_total,
  error: r.error,
  version: r.version,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

const ACTIVE = `state IN ('queued', 'running')`;

export async function queueQuickSync(
  c: SqlClient,
  entity: string,
  fields: readonly string[],
  range: DateRange,
): Promise<QuickSync> {
  const r = await c.query<Row>(
    `INSERT INTO quick_syncs (entity, fields, modified_from, modified_to) VALUES ($1, $2::text[], $3, $4) RETURNING *`,
    [entity, fields, range.from, range.to],
  );
  return toQuickSync(r.rows[0]!);
}

/** Queued and running quick syncs (oldest first), then the `recent` last finished ones. */
export async function listQuickSyncs(c: SqlClient, recent = 5): Promise<QuickSync[]> {
  const r = await c.query<Row>(
    `(SELECT * FROM quick_syncs WHERE ${ACTIVE} ORDER BY id)
     UNION ALL
     (SELECT * FROM quick_syncs WHERE NOT ${ACTIVE} ORDER BY id DESC LIMIT $1)`,
    [recent],
  );
  return r.rows.map(toQuickSync);
}

/** The next quick sync to work on: the oldest not finished. One indexed probe (polled by the runner). */
export async function nextQuickSync(c: SqlClient): Promise<QuickSync | null> {
  const r = await c.query<Row>(`SELECT * FROM quick_syncs WHERE ${ACTIVE} ORDER BY id LIMIT 1`);
  return r.rows[0] ? toQuickSync(r.rows[0]) : null;
}

/** Columns of a table that a queued or running quick sync is filling (they cannot be deselected). */
export async function activeQuickSyncFields(c: SqlClient, entity: string): Promise<Set<string>> {
  const r = await c.query<{ f: string }>(
    `SELECT DISTINCT unnest(fields) AS f FROM quick_syncs WHERE entity = $1 AND ${ACTIVE}`,
    [entity],
  );
  return new Set(r.rows.map((x) => x.f));
}

async function change(c: SqlClient, q: QuickSync, set: string, params: readonly unknown[]): Promise<QuickSync> {
  const r = await c.query<Row>(
    `UPDATE quick_syncs SET ${set}, version = version + 1 WHERE id = $1 AND version = $2 RETURNING *`,
    [q.id, q.version, ...params],
  );
  if (!r.rows[0]) throw new CheckpointConflictError(`quick_sync:${q.id}`, q.version);
  return toQuickSync(r.rows[0]);
}

export const startQuickSync = (c: SqlClient, q: QuickSync, total: number, at: Date): Promise<QuickSync> =>
  change(c, q, `state = 'running', rows_total = $3, started_at = $4`, [total, at]);

/** One page done: the link to resume from (null: finished), rows read and rows filled. */
export const advanceQuickSync = (
  c: SqlClient,
  q: QuickSync,
  page: { next: string | null; read: number; filled: number },
  at: Date,
): Promise<QuickSync> =>
  change(
    c,
    q,
    `link = $3, rows_done = rows_done + $4, rows_filled = rows_filled + $5,
     state = CASE WHEN $3::text IS NULL THEN 'done' ELSE 'running' END,
     finished_at = CASE WHEN $3::text IS NULL THEN $6::timestamptz ELSE NULL END`,
    [page.next, page.read, page.filled, at],
  );

export const failQuickSync = (c: SqlClient, q: QuickSync, error: string, at: Date): Promise<QuickSync> =>
  change(c, q, `state = 'failed', error = $3, finished_at = $4`, [error, at]);

/** Where each entity's rows are stored, and which of them it owns. */
const TARGET = {
  account: { table: 'companies', owns: 'true' },
  contact: { table: 'persons', owns: `dynamics_type = 'Contact'` },
  lead: { table: 'persons', owns: `dynamics_type = 'Lead'` },
} as const;
export type QuickSyncEntity = keyof typeof TARGET;
export const isQuickSyncEntity = (e: string): e is QuickSyncEntity => e in TARGET;

/** The stored rows a refresh covers (its progress total): cheap, local, and no request to Dynamics. */
export async function countRowsToRefresh(c: SqlClient, entity: QuickSyncEntity, range: DateRange): Promise<number> {
  const { table, owns } = TARGET[entity];
  const r = await c.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${table}
     WHERE ${owns} AND NOT dynamics_deleted
       AND ($1::timestamptz IS NULL OR dynamics_modified_on >= $1)
       AND ($2::timestamptz IS NULL OR dynamics_modified_on <= $2)`,
    [range.from, range.to],
  );
  return r.rows[0]?.n ?? 0;
}

export interface QuickRow {
  readonly id: string;
  /** Only the refreshed columns, by local name. */
  readonly fields: Record<string, unknown>;
  /** versionnumber as read; null when Dynamics did not send one. */
  readonly version: number | null;
}

const STAGE = `CREATE TEMP TABLE IF NOT EXISTS stage_quick (
  dynamics_id uuid NOT NULL, fields jsonb NOT NULL, version bigint
) ON COMMIT DELETE ROWS`;

// Why a row may be skipped (ordering with the delta read, written down in ARCHITECTURE.md):
// - `stored version > read version`: the lead database holds a newer state of the row. It can only
//   come from a read made after the field was selected (an older-plan reader's commits fail the
//   checkpoint's version check), and such a read carries the whole selection, new column included:
//   its value is newer than this page's, so the page must not overwrite it.
// - a field with a pending local write (outbox) or a local company edit: marketing's value stays,
//   as it would against any read from Dynamics.
// - a person whose sync stopped (new_synctomkto No): kept as it was.
// Rows not stored yet are skipped too: they were created after the last delta, which brings them
// whole (new column included) at the next cycle.
const MERGE: Record<QuickSyncEntity, string> = {
  account: `
UPDATE companies c SET fields = c.fields || (s.fields - c.local_edits),
  updated_at = CASE WHEN c.fields || (s.fields - c.local_edits) IS DISTINCT FROM c.fields THEN $1 ELSE c.updated_at END
FROM stage_quick s
WHERE c.dynamics_id = s.dynamics_id
  AND (s.version IS NULL OR coalesce(c.dynamics_version, 0) <= s.version)`,
  contact: personMerge('Contact'),
  lead: personMerge('Lead'),
};

function personMerge(type: string): string {
  const incoming = `(s.fields - ARRAY(SELECT o.field FROM outbox o WHERE o.person_id = p.id AND o.op = 'update'))`;
  return `
UPDATE persons p SET fields = p.fields || ${incoming},
  email = CASE WHEN ${incoming} ? 'email' THEN ${incoming} ->> 'email' ELSE p.email END,
  updated_at = CASE WHEN p.fields || ${incoming} IS DISTINCT FROM p.fields THEN $1 ELSE p.updated_at END
FROM stage_quick s
WHERE p.dynamics_id = s.dynamics_id AND p.dynamics_type = '${type}' AND NOT p.sync_stopped
  AND (s.version IS NULL OR coalesce(p.dynamics_version, 0) <= s.version)`;
}

/**
 * Merges one page of refreshed values (COPY into a staging table, then one UPDATE), inside the
 * caller's transaction. No activity is logged: these values were never synced, nothing changed.
 * Returns the rows filled.
 */
export async function mergeQuickPage(
  tx: SqlClient,
  entity: QuickSyncEntity,
  rows: readonly QuickRow[],
  now: Date,
): Promise<number> {
  if (rows.length === 0) return 0;
  const byId = new Map(rows.map((r) => [r.id, r]));
  await tx.query(STAGE);
  await tx.query('DELETE FROM stage_quick');
  await tx.copyRows(
    'stage_quick',
    ['dynamics_id', 'fields', 'version'],
    [...byId.values()].map((r) => [r.id, r.fields, r.version]),
  );
  // Real statistics for the staging table: with none, the planner may hash the whole stored table
  // per page instead of probing its unique index once per row.
  await tx.query('ANALYZE stage_quick');
  return (await tx.query(MERGE[entity], [now])).rowCount;
}
