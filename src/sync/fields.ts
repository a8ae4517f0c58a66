/**
 * Field selection: which columns sync. Only columns the sync user can read may be selected.
 * Saving refreshes the stored catalog from Dynamics and un-blocks a table stopped by a deleted
 * column (the reference product's "save Select Fields to Sync again").
 */
import {
  InvalidInputError,
  availabilityOf,
  type CatalogField,
  type SelectedField,
  type SyncEntity,
} from '../domain/index.js';
import { DEFAULT_MAPPING, localNameFor } from '../mapping/index.js';
import { recordAudit, type AuditNote } from '../store/audit-log.js';
import type { Db } from '../store/db/types.js';
import { fetchCatalog } from './catalog.js';
import type { SourceReader } from './ports.js';
import { clearBlocked } from '../store/checkpoints.js';
import { replaceCatalog, replaceSelection } from '../store/fields-repo.js';
import { activeQuickSyncFields } from '../store/quick-sync.js';
import { loadSelection } from './state.js';
import { writeNote } from './writable.js';
import { planRefresh, refuseDeselectingQueued, type RefreshOptions } from './quick-sync-plan.js';

export const FIELD_ENTITIES: readonly SyncEntity[] = ['account', 'contact', 'lead', 'systemuser', 'opportunity'];

export interface FieldRow {
  readonly logicalName: string;
  readonly displayName: string;
  readonly type: string;
  readonly availability: ReturnType<typeof availabilityOf>;
  readonly selected: boolean;
  readonly localName: string | null;
  readonly isDefault: boolean;
  readonly isCustom: boolean;
  /** A queued or running quick sync is filling this column (it cannot be deselected meanwhile). */
  readonly quickSyncing?: boolean;
  /** The sync user's write capability (informational for tables dynasync never writes). */
  readonly write: Pick<CatalogField, 'canUpdate' | 'canCreate' | 'updateDenied' | 'createDenied'> & {
    readonly note: string | null;
  };
}

export interface SelectionChange extends RefreshOptions {
  readonly entity: SyncEntity;
  readonly add?: readonly string[];
  readonly remove?: readonly string[];
  /** Select the default mapping's readable columns (added to the current selection). */
  readonly defaults?: boolean;
}

/** Re-reads the catalog from Dynamics, applies the change, saves both, and lists the result. */
export async function saveFieldSelection(
  db: Db,
  source: SourceReader,
  userId: string,
  change: SelectionChange,
  audit?: AuditNote,
): Promise<FieldRow[]> {
  const { entity } = change;
  const catalog = await fetchCatalog(source, entity, userId);
  const byName = new Map(catalog.map((f) => [f.logicalName, f]));
  const before = await loadSelection(db, entity);
  const current = before.selection;
  await refuseDeselectingQueued(db, entity, change.remove ?? []);
  const chosen = new Map(current.filter((s) => byName.has(s.logicalName)).map((s) => [s.logicalName, s]));
  const wanted = [...(change.add ?? [])];
  if (change.defaults) {
    wanted.push(...Object.keys(DEFAULT_MAPPING[entity] ?? {}).filter((n) => byName.get(n)?.readable));
  }
  const problems = wanted.flatMap((name) => {
    const f = byName.get(name);
    if (!f) return [`${entity}.${name} does not exist in Dynamics`];
    const a = availabilityOf(f);
    return a === 'readable' ? [] : [`${entity}.${name} cannot be selected (${a.replaceAll('_', ' ')})`];
  });
  if (problems.length > 0) throw new InvalidInputError('field_not_selectable', problems.join('; '));
  for (const name of wanted) chosen.set(name, { entity, logicalName: name, localName: localNameFor(entity, name) });
  for (const name of change.remove ?? []) chosen.delete(name);
  const selection = [...chosen.values()];
  await db.transaction(async (tx) => {
    await replaceCatalog(tx, entity, catalog);
    await replaceSelection(tx, entity, selection);
    await clearBlocked(tx, entity);
    // New fields of a table read by delta: a quick sync instead of a full read (quick-sync-plan.ts).
    await planRefresh(tx, entity, before, { catalog, selection }, change);
    if (audit) await recordAudit(tx, audit);
  });
  return markQuickSyncing(db, entity, fieldRows(entity, catalog, selection));
}

export async function listFields(db: Db, entity: SyncEntity): Promise<FieldRow[]> {
  const { catalog, selection } = await loadSelection(db, entity);
  return markQuickSyncing(db, entity, fieldRows(entity, catalog, selection));
}

async function markQuickSyncing(db: Db, entity: SyncEntity, rows: FieldRow[]): Promise<FieldRow[]> {
  const active = await activeQuickSyncFields(db, entity);
  return active.size === 0 ? rows : rows.map((r) => (active.has(r.logicalName) ? { ...r, quickSyncing: true } : r));
}

export function fieldRows(
  entity: string,
  catalog: readonly CatalogField[],
  selection: readonly SelectedField[],
): FieldRow[] {
  const selected = new Map(selection.map((s) => [s.logicalName, s]));
  return catalog.map((f) => ({
    logicalName: f.logicalName,
    displayName: f.displayName,
    type: f.attributeType,
    availability: availabilityOf(f),
    selected: selected.has(f.logicalName),
    localName: selected.get(f.logicalName)?.localName ?? null,
    isDefault: f.logicalName in (DEFAULT_MAPPING[entity] ?? {}),
    isCustom: f.isCustom,
    write: {
      canUpdate: f.canUpdate,
      canCreate: f.canCreate,
      updateDenied: f.updateDenied,
      createDenied: f.createDenied,
      note: writeNote(entity, f, selected.has(f.logicalName)),
    },
  }));
}
