/**
 * "Retry" of errors read from Dynamics: a targeted re-read of those records by id, with the
 * table's current plan (selection), applied through the table's normal applier in one page
 * transaction — stored values, Change Data Value activities, the full read's generation and the
 * record's errors (resolved when it stores, counted again when it fails) exactly as a page of the
 * cycle would. The checkpoint is not moved: the delta still brings every later change, and a change
 * already applied here comes back as unchanged.
 *
 * Not re-readable, and said so on the Sync errors page: a table-level failure (no record id: the
 * table is read again at the next cycle), and custom tables (read again by their own cycle).
 */
import { FatalError, InvalidInputError, type SyncEntity } from '../domain/index.js';
import { buildPlan, mapRecord, type EntityPlan, type MappedRecord } from '../mapping/index.js';
import { getCheckpoint } from '../store/checkpoints.js';
import type { Db } from '../store/db/types.js';
import { recordPageOutcome, type RecordFailure } from '../store/records/index.js';
import { APPLIERS } from './appliers.js';
import type { SourceReader } from './ports.js';
import { loadSelection } from './state.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids per request: the `$filter` stays well under URL limits. */
const BATCH = 25;

export interface RereadDeps {
  readonly db: Db;
  readonly source: SourceReader;
  readonly userId: string;
  readonly now?: () => Date;
}

export interface RereadResult {
  /** Re-read and stored: their errors are resolved. */
  readonly stored: string[];
  /** Re-read and refused again: their errors stay open, seen once more. */
  readonly failed: { id: string; code: string; message: string }[];
  /** Not returned by Dynamics (deleted, or out of the sync user's reach). */
  readonly missing: string[];
}

export async function rereadRecords(
  deps: RereadDeps,
  entity: SyncEntity,
  ids: readonly string[],
): Promise<RereadResult> {
  const applier = APPLIERS[entity];
  if (!applier || !deps.source.readRows)
    throw new InvalidInputError('reread_unsupported', `${entity} records cannot be re-read one by one`);
  const bad = ids.find((id) => !GUID.test(id));
  if (bad !== undefined)
    throw new InvalidInputError('reread_unsupported', `'${bad.slice(0, 60)}' is not a Dynamics record id`);
  const { catalog, selection } = await loadSelection(deps.db, entity);
  if (catalog.length === 0)
    throw new FatalError('not_configured', `No field catalog for ${entity}: save its field selection first`);
  const plan = buildPlan(entity, catalog, selection);
  const result: RereadResult = { stored: [], failed: [], missing: [] };
  for (let i = 0; i < ids.length; i += BATCH) await rereadBatch(deps, plan, ids.slice(i, i + BATCH), result);
  return result;
}

async function rereadBatch(deps: RereadDeps, plan: EntityPlan, ids: readonly string[], result: RereadResult) {
  const filter = ids.map((id) => `${plan.primaryKey} eq ${id.toLowerCase()}`).join(' or ');
  const rows: Record<string, unknown>[] = [];
  for await (const page of deps.source.readRows!({
    entity: plan.entity,
    entitySet: plan.entitySet,
    select: plan.select,
    filter,
    link: null,
  }))
    rows.push(...page.rows);
  const good: MappedRecord[] = [];
  const failures: RecordFailure[] = [];
  for (const row of rows) {
    const m = mapRecord(plan, row);
    if (m.ok) good.push(m.record);
    else
      failures.push({
        dynamicsId: m.id ?? '',
        entity: plan.entity,
        column: m.column,
        code: m.error.code,
        message: m.error.message,
      });
  }
  const applier = APPLIERS[plan.entity as SyncEntity]!;
  const now = deps.now?.() ?? new Date();
  await deps.db.transaction(async (tx) => {
    const cp = await getCheckpoint(tx, plan.entity);
    const ctx = { runId: null, generation: cp?.generation ?? 1, now, syncUserId: deps.userId };
    await applier.apply(tx, good, ctx);
    await recordPageOutcome(tx, plan.entity, { storedIds: good.map((r) => r.id), failures }, ctx);
  });
  const seen = new Set([...good.map((r) => r.id.toLowerCase()), ...failures.map((f) => f.dynamicsId.toLowerCase())]);
  result.stored.push(...good.map((r) => r.id));
  result.failed.push(...failures.map((f) => ({ id: f.dynamicsId, code: f.code, message: f.message })));
  result.missing.push(...ids.filter((id) => !seen.has(id.toLowerCase())));
}
