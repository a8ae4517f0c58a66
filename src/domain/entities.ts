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

export const ENTITY_INFO: Readonly<Record<SyncEntity, EntityInfo>> = Object.freeze({
  systemuser: {
    entity: 'systemuser',
    entitySet: 'systemusers',
    primaryKey: 'systemuserid',
    systemColumns: ['systemuserid', 'modifiedon', 'createdon'],
  },
  account: {
    entity: 'account',
    entitySet: 'accounts',
    primaryKey: 'accountid',
    systemColumns: ['accountid', '_ownerid_value', 'modifiedon', 'createdon'],
  },
  contact: {
    entity: 'contact',
    entitySet: 'contacts',
    primaryKey: 'contactid',
    systemColumns: ['contactid', '_parentcustomerid_value', '_ownerid_value', 'modifiedon', 'createdon'],
  },
  lead: {
    entity: 'lead',
    entitySet: 'leads',
    primaryKey: 'leadid',
    systemColumns: ['leadid', '_ownerid_value', 'modifiedon', 'createdon'],
  },
  opportunity: {
    entity: 'opportunity',
    entitySet: 'opportunities',
    primaryKey: 'opportunityid',
    systemColumns: ['opportunityid', '_customerid_value', '_ownerid_value', 'modifiedon', 'createdon'],
  },
});

/** The order of a cycle: owners first, then the companies people link to, then people. */
export const CYCLE_ORDER: readonly SyncEntity[] = ['systemuser', 'account', 'contact'];
