/**
 * Open sync errors grouped by kind (table, direction, operation, code, column) with a count, the
 * records of one group with their names, and what an admin does about them: retry the refused
 * writes of a record or of a group, or resolve (hide until the problem happens again: the open
 * index lets the next occurrence in as a new row). All aggregation happens in the database.
 */
import { SYNC_ENTITIES } from '../domain/index.js';
import type { SqlClient } from './db/types.js';

export interface ErrorGroupKey {
  readonly entity: string;
  readonly direction: string;
  readonly operation: string;
  readonly code: string;
  readonly column: string;
}

export interface ErrorGroup extends ErrorGroupKey {
  /** Records with this open problem. */
  readonly count: number;
  /** Times it was seen over those records. */
  readonly occurrences: number;
  readonly firstAt: Date;
  readonly lastAt: Date;
  /** The newest message, as an example. */
  readonly sampleMessage: string;
  /** Records whose refused write waits for a retry. */
  readonly retryable: number;
  /** Records read from Dynamics that a retry re-reads by id (sync/reread.ts). */
  readonly rereadable: number;
}

const OPEN = 'e.resolved_at IS NULL';
const IN_GROUP = `e.entity = $1 AND e.direction = $2 AND e.operation = $3 AND e.code = $4 AND e.column_name = $5`;
const keyParams = (k: ErrorGroupKey): string[] => [k.entity, k.direction, k.operation, k.code, k.column];
const RETRYABLE = `EXISTS (SELECT 1 FROM outbox o WHERE o.sync_error_id = e.id AND o.state = 'failed')`;
const UUID_TEXT = `'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`;
/** A record of a standard table read from Dynamics: a retry re-reads it by id. */
const REREADABLE = `(e.direction = 'from_dynamics' AND e.record_id ~* ${UUID_TEXT}
  AND e.entity IN (${SYNC_ENTITIES.map((x) => `'${x}'`).join(', ')}))`;

/** The open groups, most recent problem first (at most `limit`, default 100). */
export async function listErrorGroups(
  c: SqlClient,
  q: { entity?: string; limit?: number } = {},
): Promise<ErrorGroup[]> {
  const r = await c.query<{
    entity: string;
    direction: string;
    operation: string;
    code: string;
    column_name: string;
    n: number;
    occurrences: number;
    first_at: Date;
    last_at: Date;
    sample: string;
    retryable: number;
    rereadable: number;
  }>(
    `SELECT e.entity, e.direction, e.operation, e.code, e.column_name, count(*)::int AS n,
            sum(e.occurrences)::int AS occurrences, min(e.occurred_at) AS first_at, max(e.last_seen_at) AS last_at,
            (array_agg(e.message ORDER BY e.id DESC))[1] AS sample,
            count(*) FILTER (WHERE ${RETRYABLE})::int AS retryable,
            count(*) FILTER (WHERE ${REREADABLE})::int AS rereadable
     FROM sync_errors e WHERE ${OPEN} AND ($1::text IS NULL OR e.entity = $1)
     GROUP BY e.entity, e.direction, e.operation, e.code, e.column_name
     ORDER BY max(e.last_seen_at) DESC LIMIT $2`,
    [q.entity ?? null, Math.min(Math.max(q.limit ?? 100, 1), 500)],
  );
  return r.rows.map((x) => ({
    entity: x.entity,
    direction: x.direction,
    operation: x.operation,
    code: x.code,
    column: x.column_name,
    count: x.n,
    occurrences: x.occurrences,
    firstAt: new Date(x.first_at),
    lastAt: new Date(x.last_at),
    sampleMessage: x.sample,
    retryable: x.retryable,
    rereadable: x.rereadable,
  }));
}

export interface GroupRecord {
  readonly id: number;
  readonly recordId: string | null;
  /** The person's, company's or sales person's name as stored (null when the record never got in). */
  readonly name: string | null;
  readonly personId: number | null;
  readonly message: string;
  readonly firstAt: Date;
  readonly lastAt: Date;
  readonly occurrences: number;
  readonly retryable: boolean;
  readonly rereadable: boolean;
}

const UUID = `CASE WHEN e.record_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN e.record_id::uuid END`;

/** The open errors of one group, newest first, keyset-paged by id, each with its record's name. */
export async function listGroupRecords(
  c: SqlClient,
  key: ErrorGroupKey,
  q: { limit?: number; beforeId?: number } = {},
): Promise<GroupRecord[]> {
  const r = await c.query<{
    id: number | string;
    record_id: string | null;
    name: string | null;
    person_id: number | string | null;
    message: string;
    occurred_at: Date;
    last_seen_at: Date;
    occurrences: number;
    retryable: boolean;
    rereadable: boolean;
  }>(
    `SELECT e.id, e.record_id, e.message, e.occurred_at, e.last_seen_at, e.occurrences, ${RETRYABLE} AS retryable,
            ${REREADABLE} AS rereadable,
            coalesce(e.person_id, p.id) AS person_id,
            coalesce(nullif(trim(concat_ws(' ', p.fields->>'firstName', p.fields->>'lastName')), ''), p.email,
                     co.fields->>'company', sp.fields->>'fullName') AS name
     FROM sync_errors e
     LEFT JOIN LATERAL (SELECT pp.id, pp.email, pp.fields FROM persons pp
                        WHERE pp.id = e.person_id OR (e.person_id IS NULL AND e.entity IN ('contact', 'lead') AND pp.dynamics_id = ${UUID})
                        LIMIT 1) p ON true
     LEFT JOIN companies co ON e.entity = 'account' AND co.dynamics_id = ${UUID}
     LEFT JOIN sales_persons sp ON e.entity = 'systemuser' AND sp.dynamics_id = ${UUID}
     WHERE ${OPEN} AND ${IN_GROUP} AND ($6::bigint IS NULL OR e.id < $6)
     ORDER BY e.id DESC LIMIT $7`,
    [...keyParams(key), q.beforeId ?? null, Math.min(Math.max(q.limit ?? 50, 1), 500)],
  );
  return r.rows.map((x) => ({
    id: Number(x.id),
    recordId: x.record_id,
    name: x.name,
    personId: x.person_id === null ? null : Number(x.person_id),
    message: x.message,
    firstAt: new Date(x.occurred_at),
    lastAt: new Date(x.last_seen_at),
    occurrences: x.occurrences,
    retryable: x.retryable,
    rereadable: x.rereadable,
  }));
}

/** Hides open errors (by id, or a whole group) until they happen again. Returns how many. */
export async function resolveErrors(c: SqlClient, target: { id: number } | { group: ErrorGroupKey }): Promise<number> {
  const r =
    'id' in target
      ? await c.query(
          `UPDATE sync_errors e SET resolved_at = now(), resolved_by = 'admin' WHERE ${OPEN} AND e.id = $1`,
          [target.id],
        )
      : await c.query(
          `UPDATE sync_errors e SET resolved_at = now(), resolved_by = 'admin' WHERE ${OPEN} AND ${IN_GROUP}`,
          keyParams(target.group),
        );
  return r.rowCount;
}

/**
 * The refused writes of a group's open errors are pending again, and those errors are resolved as
 * retried (one transaction: the caller's); a write refused again records a new error.
 */
export async function retryErrorGroup(
  tx: SqlClient,
  group: ErrorGroupKey,
): Promise<{ errors: number; writes: number }> {
  const ids = await tx.query<{ id: number | string }>(
    `UPDATE sync_errors e SET resolved_at = now(), resolved_by = 'retry' WHERE ${OPEN} AND ${IN_GROUP} AND ${RETRYABLE}
     RETURNING e.id`,
    keyParams(group),
  );
  if (ids.rowCount === 0) return { errors: 0, writes: 0 };
  const writes = await tx.query(
    `UPDATE outbox SET state = 'pending', sync_error_id = NULL WHERE state = 'failed' AND sync_error_id = ANY($1::bigint[])`,
    [ids.rows.map((x) => Number(x.id))],
  );
  return { errors: ids.rowCount, writes: writes.rowCount };
}

/** The open error's record when a retry re-reads it from Dynamics (else null). */
export async function rereadTarget(c: SqlClient, id: number): Promise<{ entity: string; recordId: string } | null> {
  const r = await c.query<{ entity: string; record_id: string }>(
    `SELECT e.entity, e.record_id FROM sync_errors e WHERE e.id = $1 AND ${OPEN} AND ${REREADABLE}`,
    [id],
  );
  const row = r.rows[0];
  return row ? { entity: row.entity, recordId: row.record_id } : null;
}

/** The records of a group's open errors that a retry re-reads (at most `limit`, newest first). */
export async function rereadGroupIds(c: SqlClient, group: ErrorGroupKey, limit = 500): Promise<string[]> {
  const r = await c.query<{ record_id: string }>(
    `SELECT DISTINCT ON (e.record_id) e.record_id FROM sync_errors e WHERE ${OPEN} AND ${IN_GROUP} AND ${REREADABLE}
     ORDER BY e.record_id, e.id DESC LIMIT $6`,
    [...keyParams(group), limit],
  );
  return r.rows.map((x) => x.record_id);
}

/** Marks one retried error resolved as retried (after its writes were re-queued). */
export async function markRetried(c: SqlClient, id: number): Promise<void> {
  await c.query(`UPDATE sync_errors e SET resolved_at = now(), resolved_by = 'retry' WHERE ${OPEN} AND e.id = $1`, [
    id,
  ]);
}

/** The organization URL of the stored connection (no secrets read), for links to records. */
export async function storedOrgUrl(c: SqlClient): Promise<string | null> {
  const r = await c.query<{ org_url: string }>('SELECT org_url FROM connection WHERE id = 1');
  return r.rows[0]?.org_url ?? null;
}
