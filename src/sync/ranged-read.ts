/**
 * A large table's full read in primary-key ranges read at once (issue 12 §4).
 *
 * 1. Secure the delta link: a change-tracked read of the key alone (`$select=<pk>`, Prefer
 *    odata.track-changes). Dataverse gives the deltaLink only on the last page of a tracked read
 *    and refuses `$filter`/`$orderby`/`$top` with tracking, so the whole key column is read; it
 *    costs a third of a full read's server time (one column instead of the selection) and gives
 *    the range bounds for free: a tracked read comes in primary-key order (Dataverse's order
 *    when none is given), so every 500th key it serves (a tenth of a page) is a sample of the key order in the
 *    server's own GUID order, whatever that order is, and the bounds cut it in equal parts.
 * 2. One transaction stores the link (with the table's full `$select`) and one cursor per range.
 * 3. The ranges are read at once (`$filter=pk ge X and pk lt Y&$orderby=pk`, no tracking), each
 *    page committed with its cursor in the page's transaction. A killed process resumes each
 *    range from its cursor.
 * 4. When every range is done, one transaction marks rows not seen in this generation deleted
 *    and turns the checkpoint to phase delta with the secured link; the stream then reads that
 *    delta at once. Every change made after the link was secured is in it, and any change made
 *    before is what the ranges (which started after) read, so the result is the table at the
 *    end. A change a range already read comes again in the delta with the same values: the
 *    appliers compare values, so nothing is logged twice (no New Lead, no Change Data Value).
 */
import { FatalError } from '../domain/index.js';
import type { EntityPlan } from '../mapping/index.js';
import type { Checkpoint } from '../store/checkpoints.js';
import { recordPageOutcome } from '../store/records/index.js';
import {
  advanceRange,
  dropRangeRead,
  getRangeRead,
  startRangeRead,
  type RangeCursor,
  type RangeRead,
} from '../store/range-cursors.js';
import { withSelect } from './quick-sync-plan.js';
import { readSettings } from './read-settings.js';
import { ReadabilityGuard } from './readability.js';
import { commitCheckpoint } from './state.js';
import { applierFor, mapPage } from './stream-pages.js';
import { estimateRows, type StreamDeps, type StreamResult } from './stream.js';

/** Keys sampled per page of the id read (every 500th of a 5,000-row page). */
const SAMPLES_PER_PAGE = 10;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface RangeProgress {
  readonly progress: (records: number) => void;
  readonly estimatedTotal: number | null;
}

/**
 * Reads the table in key ranges when it is large enough (or resumes a ranged read a stopped
 * process left): the checkpoint in phase delta afterwards, 'cancelled' when stopped, or null when
 * the table is read with one cursor as before.
 */
export async function readInRanges(
  deps: StreamDeps,
  plan: EntityPlan,
  cp: Checkpoint,
  result: StreamResult,
  p: RangeProgress,
): Promise<Checkpoint | 'cancelled' | null> {
  const settings = readSettings(deps.reads);
  if (cp.phase !== 'initial' || !deps.source.readRows) return null;
  let state = await getRangeRead(deps.db, plan.entity);
  if (state && (state.read.generation !== cp.generation || state.read.checkpointVersion !== cp.version)) {
    await dropRangeRead(deps.db, plan.entity); // a reset or block since: its ranges mean nothing now
    state = null;
  }
  if (!state) {
    // A one-cursor full read under way (or ranges off) goes on as it started.
    if (cp.link !== null || settings.ranges < 2) return null;
    const rows = p.estimatedTotal ?? (await estimateRows(deps, plan.entity));
    if (rows === null || rows < settings.rangeMinRows) return null;
    const started = await secureAndSplit(deps, plan, cp, settings.ranges);
    if (started === 'cancelled') return started;
    state = started;
  }
  result.fullRead = true;
  const outcome = await readRanges(
    deps,
    plan,
    cp,
    state.cursors.filter((c) => !c.done),
    result,
    p.progress,
  );
  if (outcome === 'cancelled') return outcome;
  const applier = applierFor(plan, deps.applier);
  return deps.db.transaction(async (tx) => {
    result.deleted += await applier.markUnseen(tx, cp.generation, deps.now());
    const next = await commitCheckpoint(tx, cp, { phase: 'delta', link: state.read.deltaLink });
    await dropRangeRead(tx, plan.entity);
    return next;
  });
}

async function secureAndSplit(
  deps: StreamDeps,
  plan: EntityPlan,
  cp: Checkpoint,
  ranges: number,
): Promise<{ read: RangeRead; cursors: RangeCursor[] } | 'cancelled'> {
  const pk = plan.primaryKey;
  const sample: string[] = [];
  let seen = 0;
  let pageCount = 0;
  let every = 0;
  let deltaLink: string | null = null;
  try {
    const pages = deps.source.readPages({
      entity: plan.entity,
      entitySet: plan.entitySet,
      select: [pk],
      link: null,
      signal: deps.signal,
      prefetch: true,
    });
    for await (const page of pages) {
      pageCount++;
      if (every === 0) every = Math.max(1, Math.floor(page.rows.length / SAMPLES_PER_PAGE));
      for (const row of page.rows) {
        if (seen++ % every === 0) sample.push(String(row[pk]).toLowerCase());
      }
      if (page.deltaLink !== null) {
        deltaLink = page.deltaLink;
        break;
      }
      if (page.nextLink === null)
        throw new FatalError(
          'read_ended_without_delta_link',
          `${plan.entitySet}: the last page carried no deltaLink; is change tracking on?`,
        );
    }
  } catch (err) {
    if (deps.signal?.aborted === true && err === deps.signal.reason) return 'cancelled';
    throw err;
  }
  const link = deltaLink === null ? null : withSelect(deltaLink, plan.select);
  if (link === null) throw new FatalError('read_ended_without_delta_link', `${plan.entitySet}: no usable deltaLink`);
  // No more ranges than pages: a range shorter than a page would cost a request for nothing.
  const bounds = splitPoints(sample, Math.min(ranges, pageCount));
  const read: RangeRead = {
    stream: plan.entity,
    generation: cp.generation,
    checkpointVersion: cp.version,
    deltaLink: link,
  };
  const cursors = await deps.db.transaction((tx) => startRangeRead(tx, read, bounds));
  deps.logger.info({ entity: plan.entity, keys: seen, ranges: cursors.length }, 'reading in key ranges');
  return { read, cursors };
}

/** `parts - 1` keys cutting a sample (in the server's key order) into `parts` equal runs. */
export function splitPoints(sample: readonly string[], parts: number): string[] {
  const out: string[] = [];
  for (let i = 1; i < parts; i++) {
    const key = sample[Math.floor((i * sample.length) / parts)];
    if (key !== undefined && GUID.test(key) && key !== out[out.length - 1] && key !== sample[0]) out.push(key);
  }
  return out;
}

export function rangeFilter(pk: string, lo: string | null, hi: string | null): string | undefined {
  for (const key of [lo, hi])
    if (key !== null && !GUID.test(key))
      throw new FatalError('range_key_invalid', `A stored range key is not a GUID: ${key}`);
  const parts = [lo !== null && `${pk} ge ${lo}`, hi !== null && `${pk} lt ${hi}`].filter(Boolean);
  return parts.length === 0 ? undefined : parts.join(' and ');
}

async function readRanges(
  deps: StreamDeps,
  plan: EntityPlan,
  cp: Checkpoint,
  cursors: readonly RangeCursor[],
  result: StreamResult,
  progress: (records: number) => void,
): Promise<'done' | 'cancelled'> {
  const inner = new AbortController();
  const signal = deps.signal ? AbortSignal.any([deps.signal, inner.signal]) : inner.signal;
  // One readability check at a time, each after the page it clears was read.
  const guard = new ReadabilityGuard(deps, plan);
  let checks: Promise<unknown> = Promise.resolve();
  const checked = (): Promise<EntityPlan> => {
    const next = checks.then(() => guard.plan());
    checks = next.catch(() => undefined);
    return next;
  };
  const outcomes = await Promise.allSettled(
    cursors.map((c) =>
      readRange(deps, plan, cp, c, result, { signal, checked, progress }).catch((err: unknown) => {
        inner.abort(err); // one range failing stops the others after their page
        throw err;
      }),
    ),
  );
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (deps.signal?.aborted) return 'cancelled';
  if (failed) throw failed.reason;
  return 'done';
}

interface RangeLoop {
  readonly signal: AbortSignal;
  readonly checked: () => Promise<EntityPlan>;
  readonly progress: (records: number) => void;
}

async function readRange(
  deps: StreamDeps,
  plan: EntityPlan,
  cp: Checkpoint,
  start: RangeCursor,
  result: StreamResult,
  loop: RangeLoop,
): Promise<void> {
  const applier = applierFor(plan, deps.applier);
  const source = deps.source;
  if (!source.readRows) return;
  let cursor = start;
  const pages = source.readRows({
    entity: plan.entity,
    entitySet: plan.entitySet,
    select: plan.select,
    filter: rangeFilter(plan.primaryKey, cursor.lo, cursor.hi),
    orderBy: plan.primaryKey,
    link: cursor.link,
    signal: loop.signal,
  });
  try {
    for await (const page of pages) {
      const effective = page.rows.length > 0 ? await loop.checked() : plan;
      const { good, failures } = mapPage(effective, page);
      if (loop.signal.aborted) return;
      const now = deps.now();
      const ctx = { runId: deps.runId, generation: cp.generation, now, syncUserId: deps.userId };
      cursor = await deps.db.transaction(async (tx) => {
        const s = await applier.apply(tx, good, ctx);
        await recordPageOutcome(tx, plan.entity, { storedIds: good.map((r) => r.id), failures }, ctx);
        const next = await advanceRange(tx, cursor, cp.version, { link: page.nextLink, rows: page.rows.length });
        result.pages++;
        result.inserted += s.inserted;
        result.updated += s.updated;
        result.unchanged += s.unchanged;
        result.deleted += s.deleted;
        result.activities += s.activities;
        result.skipped += failures.length;
        return next;
      });
      loop.progress(page.rows.length);
      if (page.nextLink === null) return;
    }
  } catch (err) {
    if (loop.signal.aborted && err === loop.signal.reason) return; // stopped: the cursor holds the last page
    throw err;
  }
}
