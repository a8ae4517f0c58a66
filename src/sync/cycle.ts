/**
 * One sync cycle: users, then accounts, then contacts and leads (owners before the companies that
 * point at them, companies before people), then opportunities and their stakeholder connections.
 * A table that fails or is blocked does not stop the others.
 */
import { CYCLE_ORDER, FatalError, FIXED_COLUMN_TABLES, type SyncEntity } from '../domain/index.js';
import type { Logger } from '../config/index.js';
import { buildPlan, fixedPlan, type EntityPlan } from '../mapping/index.js';
import type { Db } from '../store/db/types.js';
import type { SourceReader } from './ports.js';
import type { RunTrigger } from '../store/runs.js';
import { finishRun, loadSelection, startRun } from './state.js';
import { syncCustomTables } from './custom-cycle.js';
import { saveFieldSelection } from './fields.js';
import { newResult, syncStream, type PageEvent, type StreamResult } from './stream.js';
import { fullReadDue, inLanes, runLanes } from './cycle-lanes.js';
import { readSettings } from './read-settings.js';
import type { ReadsConfig } from '../config/index.js';

export interface CycleDeps {
  readonly db: Db;
  readonly source: SourceReader;
  readonly logger: Logger;
  /** The sync user's Dynamics id (WhoAmI), for column readability. */
  readonly userId: string;
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
  readonly onPage?: (e: PageEvent) => void;
  /** Parallel tables and key ranges; absent: the process's settings (read-settings.ts). */
  readonly reads?: ReadsConfig;
}

export type CycleStatus = 'success' | 'partial' | 'failed' | 'cancelled';

export interface CycleResult {
  readonly runId: number;
  readonly status: CycleStatus;
  readonly tables: readonly StreamResult[];
  readonly startedAt: Date;
  readonly endedAt: Date;
}

/** `only`: the tables a push notification named (the others, custom tables too, wait for their scheduled cycle). */
export async function runCycle(
  deps: CycleDeps,
  trigger: RunTrigger,
  only?: readonly SyncEntity[],
): Promise<CycleResult> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const runId = await startRun(deps.db, trigger, startedAt);
  const tables: StreamResult[] = [];
  try {
    // A full read: users, accounts and people in lanes at once (cycle-lanes.ts says why).
    const lanes = readSettings(deps.reads).parallelTables ? await lanePlans(deps, only) : null;
    if (lanes) tables.push(...(await runLanes(lanes, (plan) => syncTable(deps, now, runId, plan), deps.signal)));
    for (const entity of CYCLE_ORDER) {
      if (deps.signal?.aborted) break;
      if (only && !only.includes(entity)) continue;
      if (lanes && inLanes(entity)) continue;
      const plan = await planFor(deps, entity, tables, only);
      if (plan) tables.push(await syncTable(deps, now, runId, plan));
    }
    // Custom tables have no webhook steps: a pushed read leaves them to the scheduled cycle.
    if (!deps.signal?.aborted && !only) tables.push(...(await syncCustomTables({ ...deps, now, runId })));
  } catch (err) {
    const endedAt = now();
    await finishRun(deps.db, runId, {
      status: 'failed',
      tables,
      endedAt,
      error: err instanceof Error ? err.message : String(err),
    });
    throw err;
  }
  const status = cycleStatus(tables, deps.signal?.aborted ?? false);
  const endedAt = now();
  await finishRun(deps.db, runId, { status, tables, endedAt, error: null });
  return { runId, status, tables, startedAt, endedAt };
}

/** The plan of a table for this cycle; null to skip it. */
async function planFor(
  deps: CycleDeps,
  entity: SyncEntity,
  done: readonly StreamResult[],
  only?: readonly SyncEntity[],
): Promise<EntityPlan | null> {
  const fixed = fixedColumnPlan(entity, done);
  if (fixed !== undefined) return fixed;
  let { catalog, selection } = await loadSelection(deps.db, entity);
  if (catalog.length === 0 && (done.length > 0 || only)) {
    // A table that joined the cycle after setup (leads, for a database set up before they
    // synced) starts with its default mapping instead of stopping every cycle (or push read).
    const adopted = await adoptDefaults(deps, entity);
    if (!adopted) return null;
    ({ catalog, selection } = await loadSelection(deps.db, entity));
  }
  if (catalog.length === 0) {
    throw new FatalError('not_configured', `No field catalog for ${entity}: run \`dynasync fields --defaults\` first.`);
  }
  return buildPlan(entity, catalog, selection);
}

/** The lane tables' plans when one of them is due a full read, else null (the sequential cycle). */
async function lanePlans(deps: CycleDeps, only: readonly SyncEntity[] | undefined): Promise<EntityPlan[] | null> {
  const plans: EntityPlan[] = [];
  const seen: StreamResult[] = [];
  for (const entity of CYCLE_ORDER) {
    if (!inLanes(entity) || (only && !only.includes(entity))) continue;
    const plan = await planFor(deps, entity, seen, only);
    if (!plan) continue;
    plans.push(plan);
    seen.push(newResult(entity)); // "a table before it": adopting defaults needs setup done
  }
  return plans.length > 1 && (await fullReadDue(deps.db, plans)) ? plans : null;
}

async function syncTable(deps: CycleDeps, now: () => Date, runId: number, plan: EntityPlan): Promise<StreamResult> {
  const result = await syncStream({ ...deps, now, runId }, plan);
  deps.logger.info({ runId, ...summary(result) }, `${plan.entity}: ${result.status}`);
  return result;
}

/**
 * A fixed-column table (connections) syncs while its parent table (opportunities) synced in this
 * cycle: its plan, null to skip it, undefined for a table with a field selection.
 */
function fixedColumnPlan(entity: SyncEntity, done: readonly StreamResult[]): EntityPlan | null | undefined {
  const fixed = FIXED_COLUMN_TABLES[entity];
  if (!fixed) return undefined;
  const parent = done.find((t) => t.entity === fixed.parent);
  if (!parent || parent.status !== 'success') return null;
  return fixedPlan(entity) ?? null;
}

async function adoptDefaults(deps: CycleDeps, entity: SyncEntity): Promise<boolean> {
  try {
    await saveFieldSelection(deps.db, deps.source, deps.userId, { entity, defaults: true });
    deps.logger.info({ entity }, `${entity}: default fields selected (the table is new to this database)`);
    return true;
  } catch (err) {
    // E.g. the sync user may not read the table: the others still sync; `dynasync fields` tells why.
    deps.logger.warn({ entity, err }, `${entity}: skipped, its fields could not be selected`);
    return false;
  }
}

function cycleStatus(tables: readonly StreamResult[], aborted: boolean): CycleStatus {
  if (aborted || tables.some((t) => t.status === 'cancelled')) return 'cancelled';
  const bad = tables.filter((t) => t.status === 'failed' || t.status === 'blocked').length;
  if (bad === 0) return 'success';
  return bad === tables.length ? 'failed' : 'partial';
}

const summary = (r: StreamResult) => ({
  entity: r.entity,
  fullRead: r.fullRead,
  pages: r.pages,
  inserted: r.inserted,
  updated: r.updated,
  deleted: r.deleted,
  skipped: r.skipped,
  activities: r.activities,
  error: r.error?.code,
});
