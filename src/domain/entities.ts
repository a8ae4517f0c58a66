/** The Dynamics tables dynasync reads, and the facts about them that every layer shares. */
export const SYNC_ENTITIES = ['systemuser', 'account', 'contact', 'lead', 'opportunity'] as const;
export type SyncEntity = (typeof SYNC_ENTITIES)[number];

export interface EntityInfo {
  readonly entity: SyncEntity;
  readonly entitySet: string;
  readonly primaryKey: string;
  /** Columns read on every sync whatever the field selection (keys, links, owner, timestamps). */
  readonly systemColumns: readonly string[];
}

/** Every table is read with its key, the links the lead database keeps, and its timestamps. */
const info = (entity: SyncEntity, entitySet: string, primaryKey: string, links: readonly string[] = []): EntityInfo => ({
  entity, entitySet, primaryKey, systemColumns: [primaryKey, ...links, 'modifiedon', 'createdon'],
});

export const ENTITY_INFO: Readonly<Record<SyncEntity, EntityInfo>> = Object.freeze({
  systemuser: info('systemuser', 'systemusers', 'systemuserid'),
  account: info('account', 'accounts', 'accountid', ['_ownerid_value']),
  contact: info('contact', 'contacts', 'contactid', ['_parentcustomerid_value', '_ownerid_value']),
  lead: info('lead', 'leads', 'leadid', ['_ownerid_value']),
  opportunity: info('opportunity', 'opportunities', 'opportunityid', ['_customerid_value', '_ownerid_value']),
});

/** The order of a cycle: owners first, then the companies people link to, then people. */
export const CYCLE_ORDER: readonly SyncEntity[] = ['systemuser', 'account', 'contact'];
