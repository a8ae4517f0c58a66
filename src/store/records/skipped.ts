/**
 * What a page's skipped and good records leave behind besides the records themselves, in the page's
 * transaction:
 *
 * - A skipped record was read, so it exists in Dynamics: it counts as seen by the full read (its
 *   generation moves on) and the end-of-read sweep never marks it deleted. Its last good values stay.
 * - One sync error per record per problem: a problem still open is bumped, not logged again, and
 *   only a new one adds a Sync Error activity to the person.
 * - A good record resolves the open problems it had.
 */
import { isPersonEntity, type StreamEntity } from '../../domain/index.js';
import type { SqlClient } from '../db/types.js';
import { recordSyncErrors, resolveSyncErrors } from '../sync-errors.js';
import { logFailuresOnPersons, type RecordFailure } from './activities.js';
import { HOLDERS, isHeld } from './deletes.js';

export interface PageOutcome {
  /** Ids of the records the page stored. */
  readonly storedIds: readonly string[];
  /** Records the page read but could not store; `dynamicsId` is '' when the id itself was bad. */
  readonly failures: readonly RecordFailure[];
}

export async function recordPageOutcome(
  tx: SqlClient,
  entity: StreamEntity,
  page: PageOutcome,
  ctx: { runId: number | null; generation: number; now: Date },
): Promise<void> {
  await resolveSyncErrors(tx, entity, page.storedIds, ctx.now);
  if (page.failures.length === 0) return;
  const held = await markSeen(tx, entity, page.failures.map((f) => f.dynamicsId).filter(Boolean), ctx.generation);
  const recorded = await recordSyncErrors(
    tx,
    page.failures.map((f) => ({
      runId: ctx.runId,
      entity,
      recordId: f.dynamicsId || null,
      column: f.column,
      direction: 'from_dynamics' as const,
      // A record we already hold failed to update; one we do not hold failed to be created.
      operation: held.has(f.dynamicsId) ? ('update' as const) : ('create' as const),
      code: f.code,
      message: f.message,
      personId: isPersonEntity(entity) ? (held.get(f.dynamicsId) ?? null) : null,
      occurredAt: ctx.now,
    })),
  );
  if (!isPersonEntity(entity)) return;
  const isNew = new Set(recorded.filter((r) => r.isNew).map((r) => r.recordId));
  await logFailuresOnPersons(
    tx,
    page.failures.filter((f) => f.dynamicsId && isNew.has(f.dynamicsId)),
    ctx,
  );
}

/** Skipped records we hold: seen in this generation (and not deleted: they were just read). id → row id. */
async function markSeen(
  tx: SqlClient,
  entity: StreamEntity,
  ids: readonly string[],
  generation: number,
): Promise<Map<string, number>> {
  if (!isHeld(entity) || ids.length === 0) return new Map();
  const holder = HOLDERS[entity];
  const r = await tx.query<{ id: number | string; dynamics_id: string }>(
    `UPDATE ${holder.table} SET seen_generation = greatest(seen_generation, $2), dynamics_deleted = false
     WHERE dynamics_id = ANY($1::uuid[]) AND ${holder.owns}
     RETURNING id, dynamics_id`,
    [ids, generation],
  );
  return new Map(r.rows.map((x) => [x.dynamics_id, Number(x.id)]));
}
