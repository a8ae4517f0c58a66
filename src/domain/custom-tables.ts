/**
 * Custom tables (reference 1.5): an organization's own Dataverse tables, synced one way once an
 * admin enables them. Their names carry a publisher prefix (`new_event_registration`), which no
 * standard table has, so one stream name space holds both.
 */
import { SYNC_ENTITIES, type SyncEntity } from './entities.js';

export type CustomTableName = `${string}_${string}`;
/** What one stream reads: a standard table or an enabled custom table. */
export type StreamEntity = SyncEntity | CustomTableName;

/** The reference product's limits: names of at most 33 characters, linked at most 2 levels from a standard table. */
export const CUSTOM_TABLE_MAX_NAME = 33;
export const CUSTOM_TABLE_MAX_DEPTH = 2;
/** The standard tables a custom table must link to (directly or through one more table). */
export const CUSTOM_LINK_TARGETS = ['contact', 'lead', 'account'] as const;
export type CustomLinkTarget = (typeof CUSTOM_LINK_TARGETS)[number];

const CUSTOM_NAME = /^[a-z][a-z0-9]*_[a-z0-9_]+$/;
export const isCustomTableName = (name: string): name is CustomTableName => CUSTOM_NAME.test(name);
export const isSyncEntity = (name: string): name is SyncEntity => (SYNC_ENTITIES as readonly string[]).includes(name);

/**
 * A lookup of a custom table to a standard table, or to the intermediate custom table of a level-2
 * table. A polymorphic lookup (a Customer lookup to account or contact, a multi-table lookup) is one
 * link per target that counts, all with the same column: a record's value points at one table, the
 * one its `Microsoft.Dynamics.CRM.lookuplogicalname` annotation names, and only that link applies.
 */
export interface CustomTableLink {
  readonly column: string;
  readonly target: string;
  /** Every table the lookup can point at, when more than one (absent for a single-target lookup). */
  readonly targets?: readonly string[];
}

/**
 * Whether a record's lookup value goes through this link: always for a single-target lookup; for a
 * polymorphic one only when the row names this link's table (no annotation: no guess, no link).
 */
export const linkApplies = (link: CustomTableLink, rowTable: string | undefined): boolean =>
  link.targets === undefined ? rowTable === undefined || rowTable === link.target : rowTable === link.target;

/** An enabled custom table as the lead database keeps it. */
export interface CustomTableConfig {
  readonly name: CustomTableName;
  readonly entitySet: string;
  readonly primaryKey: string;
  readonly primaryName: string | null;
  readonly displayName: string;
  /** Lookups to contact, lead or account (level 1). */
  readonly links: readonly CustomTableLink[];
  /** Level 2: the lookup to the enabled custom table that links to a standard table. */
  readonly via: CustomTableLink | null;
  readonly enabledAt: Date;
}
