/** How each synced table lands in the lead database: data, not subclasses. */
import type { SyncEntity } from '../domain/index.js';
import type { MappedRecord } from '../mapping/index.js';
import type { SqlClient } from '../store/db/types.js';
import {
  applyCompanies, applyPersons, applySalesPersons, markCompaniesDeleted, markPersonsDeleted,
  markSalesPersonsDeleted, markUnseenCompaniesDeleted, markUnseenPersonsDeleted, markUnseenSalesPersonsDeleted,
  type ApplyContext, type PageStats,
} from '../store/records/index.js';

export interface Applier {
  apply(tx: SqlClient, records: readonly MappedRecord[], ctx: ApplyContext): Promise<PageStats>;
  markDeleted(tx: SqlClient, ids: readonly string[], now: Date): Promise<number>;
  /** After a full read: rows it did not see were deleted while we were not looking. */
  markUnseen(tx: SqlClient, generation: number, now: Date): Promise<number>;
}

export const APPLIERS: Partial<Record<SyncEntity, Applier>> = {
  systemuser: { apply: applySalesPersons, markDeleted: markSalesPersonsDeleted, markUnseen: markUnseenSalesPersonsDeleted },
  account: { apply: applyCompanies, markDeleted: markCompaniesDeleted, markUnseen: markUnseenCompaniesDeleted },
  contact: { apply: applyPersons, markDeleted: markPersonsDeleted, markUnseen: markUnseenPersonsDeleted },
};
