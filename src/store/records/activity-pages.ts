/**
 * The activity log as a stream in id order, for REST clients that poll it with a cursor
 * ("activities with id > N"). Two rules keep the stream exact and each request cheap:
 *
 * - No gaps: ids come from a sequence, so a long transaction (a sync page) can hold ids lower than
 *   rows another transaction (a local edit) already committed. A reader that moved its cursor past
 *   those would never see them. Each read therefore first takes a SHARE lock on the table, which
 *   waits for writers in flight and keeps new ones out for the few milliseconds of the read.
 * - Bounded work: a selective filter (one rare type) must not scan millions of rows in one request.
 *   At most `scanLimit` rows past the cursor are examined; the cursor then moves to the last row
 *   examined and the caller is told more may follow, as Marketo does with its paging tokens.
 */
import { ActivityType } from '../../domain/index.js';
import type { Db, SqlClient } from '../db/types.js';

export interface ActivityRow {
  readonly id: number;
  readonly personId: number;
  readonly typeId: number;
  readonly occurredAt: Date;
  readonly primaryAttributeValue: string | null;
  readonly attributes: Record<string, unknown>;
}

export interface ActivityPageQuery {
  readonly afterId: number;
  readonly typeIds: readonly number[];
  /** Only these persons (null: all). */
  readonly personIds: readonly number[] | null;
  /** When set, Change Data Value rows count only for these fields (lead changes). */
  readonly changeFields?: readonly string[];
  readonly limit: number;
  readonly scanLimit: number;
}

export interface ActivityPage {
  readonly rows: readonly ActivityRow[];
  /** Where the next read starts. */
  readonly nextAfterId: number;
  /** Whether rows past nextAfterId existed when this page was read. */
  readonly more: boolean;
}

/** How long a read waits for writers in flight before giving up (the client simply asks again). */
const LOCK_TIMEOUT = '15s';

const PAGE = `
WITH scanned AS (
  SELECT id, type_id, person_id, primary_attribute_value FROM activities
  WHERE id > $1 AND ($3::bigint[] IS NULL OR person_id = ANY($3::bigint[]))
  ORDER BY id LIMIT $4
), matched AS (
  SELECT id FROM scanned
  WHERE type_id = ANY($2::int[])
    AND ($5::text[] IS NULL OR type_id <> ${ActivityType.ChangeDataValue} OR primary_attribute_value = ANY($5::text[]))
  ORDER BY id LIMIT $6
), bounds AS (SELECT max(id) AS last_scanned, count(*)::int AS scanned FROM scanned)
SELECT b.last_scanned, b.scanned, a.id, a.person_id, a.type_id, a.occurred_at, a.primary_attribute_value, a.attributes
FROM bounds b LEFT JOIN (matched m JOIN activities a ON a.id = m.id) ON true
ORDER BY a.id`;

/** An activities row as both backends return it (bigints may come as text). */
export interface ActivityDbRow {
  id: number | string;
  person_id: number | string;
  type_id: number;
  occurred_at: Date | string;
  primary_attribute_value: string | null;
  attributes: Record<string, unknown>;
}

interface PageRow extends Omit<ActivityDbRow, 'id'> {
  last_scanned: number | string | null;
  scanned: number;
  id: number | string | null;
}

/** Runs fn once no transaction that may still add activities is in flight (see above). */
function settled<T>(db: Db, fn: (tx: SqlClient) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    await tx.query('LOCK TABLE activities IN SHARE MODE');
    return fn(tx);
  });
}

export async function readActivityPage(db: Db, q: ActivityPageQuery): Promise<ActivityPage> {
  const rows = await settled(db, async (tx) => {
    const r = await tx.query<PageRow>(PAGE, [
      q.afterId,
      q.typeIds,
      q.personIds,
      q.scanLimit,
      q.changeFields ?? null,
      q.limit + 1,
    ]);
    return r.rows;
  });
  const head = rows[0];
  const found = rows.filter((r): r is PageRow & ActivityDbRow => r.id !== null).map(toActivity);
  if (found.length > q.limit) {
    const page = found.slice(0, q.limit);
    return { rows: page, nextAfterId: page[page.length - 1]!.id, more: true };
  }
  const lastScanned =
    head?.last_scanned === null || head?.last_scanned === undefined ? q.afterId : Number(head.last_scanned);
  return { rows: found, nextAfterId: lastScanned, more: (head?.scanned ?? 0) >= q.scanLimit };
}

export const toActivity = (r: ActivityDbRow): ActivityRow => ({
  id: Number(r.id),
  personId: Number(r.person_id),
  typeId: r.type_id,
  occurredAt: new Date(r.occurred_at),
  primaryAttributeValue: r.primary_attribute_value,
  attributes: r.attributes,
});

/**
 * The cursor for "activities since this time": just before the first activity at or after it, or
 * the end of the log when there is none yet (so only later activities follow).
 */
export async function activityCursorSince(db: Db, since: Date): Promise<number> {
  const r = await settled(db, (tx) =>
    tx.query<{ cursor: number | string }>(
      `SELECT coalesce((SELECT min(id) - 1 FROM activities WHERE occurred_at >= $1),
                     (SELECT max(id) FROM activities), 0) AS cursor`,
      [since],
    ),
  );
  return Number(r.rows[0]!.cursor);
}
