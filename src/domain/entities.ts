/** The Dynamics tables dynasync reads, and the facts about them that every layer shares. */
export const SYNC_ENTITIES = ['systemuser', 'account', 'contact', 'lead', 'opportunity'] as const;
export type SyncEntity = (typeof SYNC_ENTITIES)[number];

export interface EntityInfo {
  readonly entity: SyncEntity;
  readonly entitySet: string;
  readonly primaryKey: string;
  /** Columns read on every sync whatever the field selection (keys, links, owner, timestamps). */
  readonly systemColumns: readonly string[];
  /** System columns read only where the table has them (wire names; not every organization has every one). */
  readonly optionalColumns?: readonly { readonly logicalName: string; readonly wireName: string }[];
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
    systemColumns: ['contactid', '_parentcustomerid_value', '_ownerid_value', 'modifiedon', 'createdon', 'versionnumber', '_modifiedby_value'],
    // A qualified lead's contact points at its lead: the person stays the same (reference 2.2, Qualify).
    optionalColumns: [{ logicalName: 'originatingleadid', wireName: '_originatingleadid_value' }],
  },
  lead: {
    entity: 'lead',
    entitySet: 'leads',
    primaryKey: 'leadid',
    systemColumns: ['leadid', '_ownerid_value', 'modifiedon', 'createdon', 'versionnumber', '_modifiedby_value'],
  },
  opportunity: {
    entity: 'opportunity',
    entitySet: 'opportunities',
    primaryKey: 'opportunityid',
    systemColumns: ['opportunityid', '_customerid_value', '_ownerid_value', 'modifiedon', 'createdon'],
  },
});

/** The order of a cycle: owners first, then the companies people link to, then people (contacts, then leads). */
export const CYCLE_ORDER: readonly SyncEntity[] = ['systemuser', 'account', 'contact', 'lead'];

/** The tables whose rows are persons, and the Microsoft Type each gives its person. */
export const PERSON_TYPES = Object.freeze({ contact: 'Contact', lead: 'Lead' } as const);
export type PersonEntity = keyof typeof PERSON_TYPES;
export const isPersonEntity = (e: string): e is PersonEntity => e in PERSON_TYPES;
