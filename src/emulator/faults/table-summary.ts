/** What `POST /_emulator/tables` answers: the table's names and columns (the Map does not serialize). */
import type { TableDef } from '../schema/types.js';

export function describeTable(t: TableDef): Record<string, unknown> {
  return {
    logicalName: t.logicalName,
    entitySetName: t.entitySetName,
    primaryIdAttribute: t.primaryIdAttribute,
    primaryNameAttribute: t.primaryNameAttribute,
    metadataId: t.metadataId,
    changeTrackingEnabled: t.changeTrackingEnabled,
    columns: [...t.columns.values()].map((c) => ({
      logicalName: c.logicalName,
      type: c.type,
      ...(c.targets ? { targets: c.targets } : {}),
    })),
  };
}
