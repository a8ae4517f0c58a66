/**
 * Reads for the admin UI: a person's activity log newest first, and what recent cycles moved.
 * The People and Companies lists are in people-list.ts.
 */
import type { SqlClient } from '../db/types.js';

export interface KeysetPage<T> {
  readonly items: T[];
  /** The id to pass as `afterId` for the next page; null on the last page. */
  readonly nextAfterId: number | null;
}

export interface PersonActivity {
  readonly id: number;
  readonly typeId: number;
  readonly occurredAt: Date;
  readonly primaryAttributeValue: string | null;
  readonly attributes: Record<string, unknown>;
}

/** A person's activity log, newest first; `beforeId` pages further back. */
export async function personActivitiesNewestFirst(
  c: SqlClient,
  personId: number,
  q: { beforeId?: number; limit: number },
): Promise<KeysetPage<PersonActivity>> {
  const r = await c.query<{
    id: number | string;
    type_id: number;
    occurred_at: Date | string;
    primary_attribute_value: string | null;
    attributes: Record<string, unknown>;
  }>(
    `SELECT id, type_id, occurred_at, primary_attribute_value, attributes FROM activities
     WHERE person_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
    [personId, q.beforeId ?? null, q.limit + 1],
  );
  const items = r.rows.slice(0, q.limit).map((x) => ({
    id: Number(x.id),
    typeId: x.type_id,
    occurredAt: new Date(x.occurred_at),
    primaryAttributeValue: x.primary_attribute_value,
    attributes: x.attributes,
  }));
  return { items, nextAfterId: r.rows.length > q.limit ? (items[items.length - 1]?.id ?? null) : null };
}

/**
 * Records cycles inserted, updated or deleted, per table, in runs started at or after `since`.
 * Sums in SQL, so a busy hour of short cycles is not capped by a page size.
 */
export async function recordsSyncedSince(c: SqlClient, since: Date): Promise<Record<string, number>> {
  const r = await c.query<{ table_name: string; n: number }>(
    `SELECT t.key AS table_name,
            sum(coalesce((t.value->>'inserted')::int, 0) + coalesce((t.value->>'updated')::int, 0)
                + coalesce((t.value->>'deleted')::int, 0))::int AS n
     FROM sync_runs r CROSS JOIN LATERAL jsonb_each(r.stats) t
     WHERE r.started_at >= $1 AND jsonb_typeof(t.value) = 'object'
     GROUP BY t.key`,
    [since],
  );
  return Object.fromEntries(r.rows.map((x) => [x.table_name, x.n]));
}
