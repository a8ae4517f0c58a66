/**
 * What a saved field selection means for a table's read (issue 11, reference 2.9 Quick Sync).
 *
 * Before: any new selection reset the table to a full read. Now, for a table whose delta read is
 * established, newly selected (or re-selected) readable fields are queued for a quick sync (a read
 * of only the key and those columns), and the checkpoint takes the new selection's hash so the
 * delta goes on, carrying the whole selection from its next page. A deselection alone changes
 * nothing stored. Anything the quick sync cannot stand for keeps the full read: a table still in
 * its first full read, a table with no row version in the lead database (users), the sync filter
 * column (its No must stop persons, which only the full applier does), a system column that
 * appeared with the catalog, or `refresh: 'full'`.
 */
import {
  InvalidInputError,
  availabilityOf,
  type CatalogField,
  type SelectedField,
  type SyncEntity,
} from '../domain/index.js';
import { buildPlan } from '../mapping/index.js';
import type { Db, SqlClient } from '../store/db/types.js';
import { adoptSelection, getCheckpoint } from '../store/checkpoints.js';
import {
  activeQuickSyncFields,
  isQuickSyncEntity,
  queueQuickSync,
  type DateRange,
  type QuickSync,
} from '../store/quick-sync.js';
import { SYNC_FILTER_FIELD } from '../store/records/index.js';
import { loadSelection } from './state.js';

export interface RefreshOptions {
  /** 'quick' (default): quick sync of new fields; 'full': the whole table read again. */
  readonly refresh?: 'quick' | 'full';
  /** Advanced Sync: refresh only records modified in Dynamics in this range. */
  readonly range?: DateRange;
}

interface Selection {
  readonly catalog: readonly CatalogField[];
  readonly selection: readonly SelectedField[];
}

const NO_RANGE: DateRange = { from: null, to: null };

/** Called in the transaction that saves the selection. Returns the queued quick sync, if any. */
export async function planRefresh(
  tx: SqlClient,
  entity: SyncEntity,
  before: Selection,
  after: Selection,
  opts: RefreshOptions = {},
): Promise<QuickSync | null> {
  if (opts.refresh === 'full' || !isQuickSyncEntity(entity)) return null;
  const oldPlan = buildPlan(entity, before.catalog, before.selection);
  const newPlan = buildPlan(entity, after.catalog, after.selection);
  if (oldPlan.selectHash === newPlan.selectHash) return null;
  const cp = await getCheckpoint(tx, entity);
  if (!cp || cp.phase !== 'delta' || cp.selectHash !== oldPlan.selectHash || !cp.link) return null;
  const had = new Set(before.selection.map((s) => s.logicalName));
  const added = newPlan.fields.filter((f) => !had.has(f.field.logicalName));
  if (added.some((f) => f.field.logicalName === SYNC_FILTER_FIELD)) return null;
  const covered = new Set(added.map((f) => f.wireName));
  const oldSelect = new Set(oldPlan.select);
  if (newPlan.select.some((c) => !oldSelect.has(c) && !covered.has(c))) return null;
  const link = withSelect(cp.link, newPlan.select);
  if (link === null) return null;
  const from = { hash: oldPlan.selectHash, link: cp.link };
  if (!(await adoptSelection(tx, entity, from, { hash: newPlan.selectHash, link }))) return null;
  if (added.length === 0) return null;
  const names = added.map((f) => f.field.logicalName);
  return queueQuickSync(tx, entity, names, opts.range ?? NO_RANGE);
}

/**
 * The deltaLink with another `$select`. A Dataverse delta token is a data version, independent of
 * the columns asked for (the SDK's RetrieveEntityChanges takes DataVersion and Columns apart; the
 * Web API docs compose `<set>?$select=…&$deltatoken=…` themselves): the next delta then returns
 * every changed row with the whole new selection. null when the link has no `$select` to replace.
 */
export function withSelect(link: string, select: readonly string[]): string | null {
  const re = /([?&])\$select=[^&#]*/;
  return re.test(link) ? link.replace(re, `$1$select=${select.join(',')}`) : null;
}

/** A field a quick sync is filling cannot be deselected until it ends (reference 2.9). */
export async function refuseDeselectingQueued(c: SqlClient, entity: SyncEntity, remove: readonly string[]) {
  if (remove.length === 0) return;
  const active = await activeQuickSyncFields(c, entity);
  const refused = remove.filter((n) => active.has(n));
  if (refused.length > 0)
    throw new InvalidInputError(
      'field_quick_sync_pending',
      `${refused.map((n) => `${entity}.${n}`).join(', ')} cannot be deselected while a quick sync fills it; ` +
        'try again when it ends (dynasync status shows its progress)',
    );
}

/**
 * Advanced Sync of fields already selected: refresh their values, optionally only for records
 * modified in a date range. Refused for a table that is not synced by delta yet (its full read
 * fills everything) and for columns that are not selected and readable.
 */
export async function requestQuickSync(
  db: Db,
  entity: SyncEntity,
  fields: readonly string[],
  range: DateRange = NO_RANGE,
): Promise<QuickSync> {
  if (!isQuickSyncEntity(entity))
    throw new InvalidInputError('quick_sync_unsupported', `${entity} has no quick sync: save its fields to re-read it`);
  if (fields.length === 0) throw new InvalidInputError('fields_required', 'name at least one field to refresh');
  if (range.from && range.to && range.from > range.to)
    throw new InvalidInputError('invalid_range', 'the range starts after it ends');
  const { catalog, selection } = await loadSelection(db, entity);
  const selected = new Set(selection.map((s) => s.logicalName));
  const byName = new Map(catalog.map((f) => [f.logicalName, f]));
  const problems = fields.flatMap((n) => {
    const f = byName.get(n);
    if (!f) return [`${entity}.${n} does not exist in Dynamics`];
    if (!selected.has(n)) return [`${entity}.${n} is not selected (select it: that queues its quick sync)`];
    const a = availabilityOf(f);
    return a === 'readable' ? [] : [`${entity}.${n} cannot be read (${a.replaceAll('_', ' ')})`];
  });
  if (problems.length > 0) throw new InvalidInputError('field_not_refreshable', problems.join('; '));
  const cp = await getCheckpoint(db, entity);
  if (!cp || cp.phase !== 'delta')
    throw new InvalidInputError('table_not_synced', `${entity} has not finished its first full read yet`);
  return queueQuickSync(db, entity, [...new Set(fields)], range);
}

/** Parses an Advanced Sync range from user input (ISO dates or instants); a clear error otherwise. */
export function parseDateRange(from: string | undefined | null, to: string | undefined | null): DateRange {
  const parse = (v: string | undefined | null, name: string, endOfDay: boolean): Date | null => {
    if (v === undefined || v === null || v.trim() === '') return null;
    const day = /^\d{4}-\d{2}-\d{2}$/.test(v.trim());
    // A bare date: the whole day (from its start, to its end), in UTC.
    const d = new Date(day ? `${v.trim()}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z` : v.trim());
    if (Number.isNaN(d.getTime()))
      throw new InvalidInputError('invalid_date', `${name} must be a date (2026-01-31) or an ISO instant, not '${v}'`);
    return d;
  };
  const range = { from: parse(from, 'modified-from', false), to: parse(to, 'modified-to', true) };
  if (range.from && range.to && range.from > range.to)
    throw new InvalidInputError('invalid_range', 'the range starts after it ends');
  return range;
}
