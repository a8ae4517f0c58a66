/**
 * Which selected columns dynasync may write to Dynamics, from the stored field catalog. Only the
 * person tables (lead, contact) are ever written: for accounts and users the catalog still records
 * what the sync user could do, for display, but nothing here lets a writer use it.
 */
import { WRITTEN_ENTITIES, type CatalogField, type SelectedField, type SyncEntity } from '../domain/index.js';
import type { SqlClient } from '../store/db/types.js';
import { fetchCatalog } from './catalog.js';
import type { SourceReader } from './ports.js';
import { replaceCatalog } from '../store/fields-repo.js';
import { loadSelection } from './state.js';
import { describeDenial } from './write-capability.js';

export interface WritableColumn extends SelectedField {
  /** May be sent in an update (PATCH) of an existing record. */
  readonly canUpdate: boolean;
  /** May be sent when creating a record (POST). */
  readonly canCreate: boolean;
  readonly column: CatalogField;
}

export const isWrittenEntity = (entity: string): boolean => WRITTEN_ENTITIES.includes(entity);

/**
 * The selected columns of `entity` the sync user may update or create (at least one of the two),
 * by logical name. Always empty for tables dynasync never writes (account, systemuser, …) and for
 * columns whose capability was never read (`not_checked`: refresh the catalog first).
 */
export async function writableColumns(db: SqlClient, entity: SyncEntity): Promise<WritableColumn[]> {
  if (!isWrittenEntity(entity)) return [];
  const { catalog, selection } = await loadSelection(db, entity);
  const byName = new Map(catalog.map((f) => [f.logicalName, f]));
  return selection.flatMap((s) => {
    const f = byName.get(s.logicalName);
    return f && (f.canUpdate || f.canCreate)
      ? [{ ...s, canUpdate: f.canUpdate, canCreate: f.canCreate, column: f }]
      : [];
  });
}

/**
 * Re-reads one table's catalog (read and write capability) from Dynamics and stores it, keeping
 * the selection. Privileges and column security change at run time; a writer calls this before
 * trusting the flags of a catalog stored long ago or before the write capability existed.
 */
export async function refreshCatalog(
  db: SqlClient,
  source: SourceReader,
  userId: string,
  entity: SyncEntity,
): Promise<CatalogField[]> {
  const catalog = await fetchCatalog(source, entity, userId);
  await replaceCatalog(db, entity, catalog);
  return catalog;
}

/**
 * What the field list says about writing a selected person column: null when it is written both
 * ways, else why Dynamics keeps it read-only (or only refuses it on create). Null for tables that
 * are never written, where the flags are informational.
 */
export function writeNote(entity: string, f: CatalogField, selected: boolean): string | null {
  if (!selected || !isWrittenEntity(entity)) return null;
  if (f.updateDenied) return `read-only in Dynamics: ${describeDenial(f.updateDenied)}`;
  if (f.createDenied) return `not set when creating in Dynamics: ${describeDenial(f.createDenied)}`;
  return null;
}
