/**
 * Runs quick syncs (issue 11): for each queued one, a plain read of the table's key, versionnumber
 * and the refreshed columns (Advanced Sync: `$filter` on modifiedon), merged into the stored rows
 * page by page (store/quick-sync.ts), while the table's delta read goes on in the cycles.
 *
 * Crash safety: each page's merge, its sync errors and the quick sync's progress (the nextLink)
 * commit in one transaction. A killed process resumes from the last committed page; a page read
 * twice merges the same values again (no activity is ever logged, so nothing is logged twice).
 *
 * Correctness against concurrent Dynamics changes: see the merge's comment (version guard) and
 * ARCHITECTURE.md "Quick sync".
 */
import { FatalError, isSyncError, type SyncEntity } from '../domain/index.js';
import type { Logger } from '../config/index.js';
import { buildPlan, mapRecord, type EntityPlan } from '../mapping/index.js';
import type { Db } from '../store/db/types.js';
import {
  advanceQuickSync,
  countRowsToRefresh,
  failQuickSync,
  isQuickSyncEntity,
  mergeQuickPage,
  nextQuickSync,
  startQuickSync,
  type QuickRow,
  type QuickSync,
} from '../store/quick-sync.js';
import { recordSyncErrors, type NewSyncError } from '../store/sync-errors.js';
import type { ReadPage, SourceReader } from './ports.js';
import { loadSelection } from './state.js';

export interface QuickSyncDeps {
  readonly db: Db;
  readonly source: SourceReader;
  readonly logger: Logger;
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
  /** After a page is read, before it is stored (progress; tests use it to interleave a change). */
  readonly onPage?: (e: { quickSync: QuickSync; rows: number }) => Promise<void> | void;
}

export interface QuickSyncOutcome {
  readonly quickSync: QuickSync;
  readonly status: 'done' | 'failed' | 'cancelled' | 'interrupted';
  readonly pages: number;
}

/** Works through the queue until it is empty, the signal aborts, or a failure to retry later. */
export async function runQuickSyncs(deps: QuickSyncDeps): Promise<QuickSyncOutcome[]> {
  const out: QuickSyncOutcome[] = [];
  while (!deps.signal?.aborted) {
    const next = await nextQuickSync(deps.db);
    if (!next) break;
    const outcome = await runQuickSync(deps, next);
    out.push(outcome);
    if (outcome.status === 'cancelled' || outcome.status === 'interrupted') break;
  }
  return out;
}

export async function runQuickSync(deps: QuickSyncDeps, start: QuickSync): Promise<QuickSyncOutcome> {
  const now = deps.now ?? (() => new Date());
  let q = start;
  let pages = 0;
  try {
    const entity = q.entity as SyncEntity;
    if (!isQuickSyncEntity(entity)) throw new FatalError('quick_sync_unsupported', `${entity} has no quick sync`);
    const plan = await quickPlan(deps.db, entity, q.fields);
    if (q.state === 'queued')
      q = await startQuickSync(deps.db, q, await countRowsToRefresh(deps.db, entity, q.range), now());
    if (!deps.source.readRows) throw new FatalError('quick_sync_unsupported', 'this source has no plain reads');
    const read = deps.source.readRows({
      entity,
      entitySet: plan.entitySet,
      select: [plan.primaryKey, 'versionnumber', ...plan.fields.map((f) => f.wireName)],
      ...(rangeFilter(q) ? { filter: rangeFilter(q)! } : {}),
      link: q.link,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    for await (const page of read) {
      await deps.onPage?.({ quickSync: q, rows: page.rows.length });
      const { rows, failures } = mapPage(plan, page);
      q = await deps.db.transaction(async (tx) => {
        const filled = await mergeQuickPage(tx, entity, rows, now());
        if (failures.length > 0) await recordSyncErrors(tx, failures);
        return advanceQuickSync(tx, q, { next: page.nextLink, read: page.rows.length, filled }, now());
      });
      pages++;
      if (page.nextLink === null) break;
      if (deps.signal?.aborted) return { quickSync: q, status: 'cancelled', pages };
    }
    if (q.state !== 'done') q = await advanceQuickSync(deps.db, q, { next: null, read: 0, filled: 0 }, now());
    deps.logger.info(
      { entity, fields: q.fields, rows: q.rowsDone, filled: q.rowsFilled },
      `quick sync of ${entity} done`,
    );
    return { quickSync: q, status: 'done', pages };
  } catch (err) {
    if (deps.signal?.aborted && err === deps.signal.reason) return { quickSync: q, status: 'cancelled', pages };
    const code = isSyncError(err) ? err.code : 'unexpected_error';
    const message = err instanceof Error ? err.message : String(err);
    // A failure worth retrying (Dynamics or the database away, another process advanced it) leaves
    // the quick sync where its last page committed: the next run resumes it.
    if (!(err instanceof FatalError) || code === 'checkpoint_conflict') {
      deps.logger.warn({ entity: q.entity, code, err: message }, 'quick sync interrupted; it resumes later');
      return { quickSync: q, status: 'interrupted', pages };
    }
    deps.logger.error({ entity: q.entity, code, err: message }, 'quick sync failed');
    return { quickSync: await failQuickSync(deps.db, q, `[${code}] ${message}`, now()), status: 'failed', pages };
  }
}

/** The table's plan narrowed to the refreshed columns (those still selected and readable). */
async function quickPlan(db: Db, entity: SyncEntity, names: readonly string[]): Promise<EntityPlan> {
  const { catalog, selection } = await loadSelection(db, entity);
  const plan = buildPlan(entity, catalog, selection);
  const wanted = new Set(names);
  const fields = plan.fields.filter((f) => wanted.has(f.field.logicalName));
  if (fields.length === 0)
    throw new FatalError(
      'quick_sync_fields_gone',
      `${names.join(', ')}: no longer selected or readable in ${entity}; nothing to refresh`,
    );
  return { ...plan, fields, unreadable: [] };
}

/** Advanced Sync: `modifiedon` within the range (ISO instants: checked dates, never raw input). */
function rangeFilter(q: QuickSync): string | null {
  const parts = [
    q.range.from ? `modifiedon ge ${q.range.from.toISOString()}` : null,
    q.range.to ? `modifiedon le ${q.range.to.toISOString()}` : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(' and ') : null;
}

function mapPage(plan: EntityPlan, page: ReadPage): { rows: QuickRow[]; failures: NewSyncError[] } {
  const rows: QuickRow[] = [];
  const failures: NewSyncError[] = [];
  for (const wire of page.rows) {
    const m = mapRecord(plan, wire);
    if (m.ok) rows.push({ id: m.record.id, fields: m.record.fields, version: m.record.version });
    else
      failures.push({
        entity: plan.entity,
        recordId: m.id,
        operation: 'read',
        direction: 'from_dynamics',
        code: m.error.code,
        message: m.error.message,
        column: m.column,
      });
  }
  return { rows, failures };
}
