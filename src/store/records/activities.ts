/** Activity log entries that are not a side effect of applying a page. */
import { ActivityType } from '../../domain/index.js';
import type { SqlClient } from '../db/types.js';

export interface RecordFailure {
  readonly dynamicsId: string;
  readonly entity: string;
  readonly code: string;
  readonly message: string;
  /** The Dynamics column at fault ('' or absent: the record as a whole). */
  readonly column?: string;
}

/**
 * A record that failed to sync is also noted in its person's activity log (when the person exists),
 * as the reference product does. Returns the failures that found a person, with its id.
 */
export async function logFailuresOnPersons(
  tx: SqlClient,
  failures: readonly RecordFailure[],
  ctx: { runId: number | null; now: Date },
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (failures.length === 0) return found;
  const res = await tx.query<{ person_id: number; dynamics_id: string }>(
    // RETURNING sees only the inserted row, so the persons' Dynamics ids come from a CTE join.
    `WITH logged AS (
       INSERT INTO activities (person_id, type_id, occurred_at, primary_attribute_value, attributes, run_id)
       SELECT p.id, ${ActivityType.SyncError}, $4, f.code,
              jsonb_build_object('entity', f.entity, 'code', f.code, 'message', f.message, 'direction', 'from_dynamics'), $5
       FROM unnest($1::uuid[], $2::text[], $3::text[], $6::text[]) AS f(dynamics_id, code, message, entity)
       JOIN persons p ON p.dynamics_id = f.dynamics_id
       RETURNING person_id)
     SELECT p.id AS person_id, p.dynamics_id FROM persons p JOIN logged l ON l.person_id = p.id`,
    [
      failures.map((f) => f.dynamicsId),
      failures.map((f) => f.code),
      failures.map((f) => f.message),
      ctx.now,
      ctx.runId,
      failures.map((f) => f.entity),
    ],
  );
  for (const r of res.rows) found.set(String(r.dynamics_id), Number(r.person_id));
  return found;
}
