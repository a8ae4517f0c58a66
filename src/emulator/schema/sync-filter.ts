/**
 * The Marketo-style sync filter: an optional Two Options column `new_synctomkto` on lead, contact and
 * account (behavior reference 2.2). Absent from the default schema; added by the `syncFilterColumn`
 * option (seeded with values) or at run time through the admin API (`POST /_emulator/tables/lead/columns`).
 */
import type { SchemaRegistry } from '../context.js';
import { metadataId } from './ids.js';
import type { ColumnDef } from './types.js';

export const SYNC_FILTER_COLUMN = 'new_synctomkto';
export const SYNC_FILTER_TABLES = ['lead', 'contact', 'account'] as const;

export function syncFilterColumn(table: string): ColumnDef {
  return {
    logicalName: SYNC_FILTER_COLUMN,
    schemaName: 'new_SyncToMkto',
    type: 'Boolean',
    displayName: 'Sync to Marketing',
    metadataId: metadataId(`${table}.${SYNC_FILTER_COLUMN}`),
    requiredLevel: 'None',
    isValidForRead: true,
    isValidForCreate: true,
    isValidForUpdate: true,
    isSecured: false,
    isCustom: true,
    defaultValue: true,
  };
}

export function addSyncFilterColumn(schema: SchemaRegistry): void {
  for (const t of SYNC_FILTER_TABLES) schema.addColumn(t, syncFilterColumn(t));
}
