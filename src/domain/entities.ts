/** The Dynamics tables dynasync reads, and the facts about them that every layer shares. */
export const SYNC_ENTITIES = ['systemuser', 'account', 'contact', 'lead', 'opportunity', 'connection'] as const;
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

/** Every table is read with its key, the links the lead database keeps, and its timestamps. */
const info = (
  entity: SyncEntity,
  entitySet: string,
  primaryKey: string,
  links: readonly string[] = [],
  extra: Partial<Pick<EntityInfo, 'optionalColumns'>> & { versioned?: boolean } = {},
): EntityInfo => ({
  entity,
  entitySet,
  primaryKey,
  // People are written back: their version (If-Match) and who last modified them (echo suppression).
  systemColumns: [
    primaryKey,
    ...links,
    'modifiedon',
    'createdon',
    ...(extra.versioned ? ['versionnumber', '_modifiedby_value'] : []),
  ],
  ...(extra.optionalColumns ? { optionalColumns: extra.optionalColumns } : {}),
});

export const ENTITY_INFO: Readonly<Record<SyncEntity, EntityInfo>> = Object.freeze({
  systemuser: info('systemuser', 'systemusers', 'systemuserid'),
  account: info('account', 'accounts', 'accountid', ['_ownerid_value']),
  contact: info('contact', 'contacts', 'contactid', ['_parentcustomerid_value', '_ownerid_value'], {
    versioned: true,
    // A qualified lead's contact points at its lead: the person stays the same (reference 2.2, Qualify).
    optionalColumns: [{ logicalName: 'originatingleadid', wireName: '_originatingleadid_value' }],
  }),
  lead: info('lead', 'leads', 'leadid', ['_ownerid_value'], { versioned: true }),
  opportunity: info('opportunity', 'opportunities', 'opportunityid', ['_customerid_value', '_ownerid_value']),
  // Stakeholders: read with fixed columns (no field selection), kept only from an opportunity to a contact.
  connection: info('connection', 'connections', 'connectionid', [
    '_record1id_value',
    '_record2id_value',
    '_record2roleid_value',
    'record1objecttypecode',
    'record2objecttypecode',
  ]),
});

/**
 * The order of a cycle: owners first, then the companies people link to, then people (contacts,
 * then leads), then opportunities and their stakeholders (reference 1.7: roles after people).
 */
export const CYCLE_ORDER: readonly SyncEntity[] = [
  'systemuser',
  'account',
  'contact',
  'lead',
  'opportunity',
  'connection',
];

/** Tables read with fixed columns, no field selection; synced while `parent` is. */
export const FIXED_COLUMN_TABLES: Readonly<Partial<Record<SyncEntity, { readonly parent: SyncEntity }>>> = {
  connection: { parent: 'opportunity' },
};

/** The tables whose rows are persons, and the Microsoft Type each gives its person. */
export const PERSON_TYPES = Object.freeze({ contact: 'Contact', lead: 'Lead' } as const);
export type PersonEntity = keyof typeof PERSON_TYPES;
export const isPersonEntity = (e: string): e is PersonEntity => e in PERSON_TYPES;
