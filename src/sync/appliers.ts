/** How each synced table lands in the lead database: data, not subclasses. */
import type { SyncEntity } from '../domain/index.js';
import type { MappedRecord } from '../mapping/index.js';
import type { SqlClient } from '../store/db/types.js';
import {
  applyCompanies,
  applyConnections,
  applyOpportunities,
  applyPeople,
  applySalesPersons,
  markDeleted,
  markUnseenDeleted,
  SYNC_FILTER_FIELD,
  type ApplyContext,
  type HeldEntity,
  type PageStats,
} from '../store/records/index.js';

export interface Applier {
  apply(tx: SqlClient, records: readonly MappedRecord[], ctx: ApplyContext): Promise<PageStats>;
  markDeleted(tx: SqlClient, ids: readonly string[], now: Date): Promise<number>;
  /** After a full read: rows it did not see were deleted while we were not looking. */
  markUnseen(tx: SqlClient, generation: number, now: Date): Promise<number>;
}

const applier = (entity: HeldEntity, apply: Applier['apply']): Applier => ({
  apply,
  markDeleted: (tx, ids, now) => markDeleted(tx, entity, ids, now),
  markUnseen: (tx, generation, now) => markUnseenDeleted(tx, entity, generation, now),
});

export const APPLIERS: Partial<Record<SyncEntity, Applier>> = {
  systemuser: applier('systemuser', applySalesPersons),
  // new_synctomkto No on an account: not created, an existing company is no longer updated.
  account: applier('account', (tx, r, ctx) =>
    applyCompanies(
      tx,
      r.filter((x) => x.fields[SYNC_FILTER_FIELD] !== false),
      ctx,
    ),
  ),
  contact: applier('contact', (tx, r, ctx) => applyPeople(tx, 'contact', r, ctx)),
  lead: applier('lead', (tx, r, ctx) => applyPeople(tx, 'lead', r, ctx)),
  opportunity: applier('opportunity', applyOpportunities),
  connection: applier('connection', applyConnections),
};
