/** How each synced table lands in the lead database: data, not subclasses. */
import type { SyncEntity } from '../domain/index.js';
import type { MappedRecord } from '../mapping/index.js';
import type { SqlClient } from '../store/db/types.js';
import {
  applyCompanies, applyPeople, applySalesPersons, markCompaniesDeleted, markPersonsDeleted,
  markSalesPersonsDeleted, markUnseenCompaniesDeleted, markUnseenPersonsDeleted, markUnseenSalesPersonsDeleted,
  SYNC_FILTER_FIELD, type ApplyContext, type PageStats,
} from '../store/records/index.js';

export interface Applier {
  apply(tx: SqlClient, records: readonly MappedRecord[], ctx: ApplyContext): Promise<PageStats>;
  markDeleted(tx: SqlClient, ids: readonly string[], now: Date): Promise<number>;
  /** After a full read: rows it did not see were deleted while we were not looking. */
  markUnseen(tx: SqlClient, generation: number, now: Date): Promise<number>;
}

export const APPLIERS: Partial<Record<SyncEntity, Applier>> = {
  systemuser: { apply: applySalesPersons, markDeleted: markSalesPersonsDeleted, markUnseen: markUnseenSalesPersonsDeleted },
  // new_synctomkto No on an account: not created, an existing company is no longer updated.
  account: { apply: (tx, r, ctx) => applyCompanies(tx, r.filter((x) => x.fields[SYNC_FILTER_FIELD] !== false), ctx), markDeleted: markCompaniesDeleted, markUnseen: markUnseenCompaniesDeleted },
  contact: {
    apply: (tx, r, ctx) => applyPeople(tx, 'contact', r, ctx),
    markDeleted: (tx, ids, now) => markPersonsDeleted(tx, ids, now, 'contact'),
    markUnseen: (tx, g, now) => markUnseenPersonsDeleted(tx, g, now, 'contact'),
  },
  lead: {
    apply: (tx, r, ctx) => applyPeople(tx, 'lead', r, ctx),
    markDeleted: (tx, ids, now) => markPersonsDeleted(tx, ids, now, 'lead'),
    markUnseen: (tx, g, now) => markUnseenPersonsDeleted(tx, g, now, 'lead'),
  },
};
