/**
 * The lead database's tables for what syncs beside people and companies: custom tables and their
 * records, quick syncs of newly selected fields, opportunities and their stakeholders, and push
 * notifications. drizzle-kit reads every schema file of store/ (drizzle.config.ts).
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { ts } from './schema.js';

/**
 * Custom tables an admin enabled for sync (`dynasync tables --enable`): one row each. Their columns
 * are in field_catalog / field_selection under the table's name, their read in `checkpoints`.
 */
export const customTables = pgTable('custom_tables', {
  name: text('name').primaryKey(),
  entitySet: text('entity_set').notNull(),
  primaryKey: text('primary_key').notNull(),
  primaryName: text('primary_name'),
  displayName: text('display_name').notNull(),
  /** [{ column, target }]: lookups to contact, lead or account. */
  links: jsonb('links')
    .notNull()
    .default(sql`'[]'::jsonb`),
  /** Level 2: the lookup to the enabled custom table that links to a standard table. */
  viaColumn: text('via_column'),
  viaTable: text('via_table'),
  enabledAt: ts('enabled_at').notNull().defaultNow(),
});

/**
 * Records of custom tables, all in one generic table: the selected columns in jsonb `fields`, and the
 * person and company they belong to as Dynamics ids (resolved through the intermediate record for a
 * level-2 table), joined to persons and companies the way persons join their company.
 */
export const customRecords = pgTable(
  'custom_records',
  {
    tableName: text('table_name').notNull(),
    dynamicsId: uuid('dynamics_id').notNull(),
    fields: jsonb('fields')
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** The lead or contact the record belongs to. */
    personDynamicsId: uuid('person_dynamics_id'),
    accountDynamicsId: uuid('account_dynamics_id'),
    /** Level 2: the intermediate custom record the links come from. */
    parentDynamicsId: uuid('parent_dynamics_id'),
    dynamicsDeleted: boolean('dynamics_deleted').notNull().default(false),
    dynamicsCreatedOn: ts('dynamics_created_on'),
    dynamicsModifiedOn: ts('dynamics_modified_on'),
    seenGeneration: integer('seen_generation').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tableName, t.dynamicsId] }),
    index('custom_records_person').on(t.personDynamicsId),
    index('custom_records_account').on(t.accountDynamicsId),
    index('custom_records_parent').on(t.tableName, t.parentDynamicsId),
  ],
);

/**
 * Quick syncs (issue 11): a newly selected (or re-selected) field filled by a read of only the key
 * and its columns, merged into the stored rows page by page while the table's delta goes on.
 * `link` is the nextLink to resume from; each page commits with its progress, so a killed
 * process resumes where it stopped. `modified_from`/`modified_to`: Advanced Sync's date range.
 */
export const quickSyncs = pgTable(
  'quick_syncs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entity: text('entity').notNull(),
    /** Logical names of the columns refreshed. */
    fields: text('fields').array().notNull(),
    modifiedFrom: ts('modified_from'),
    modifiedTo: ts('modified_to'),
    state: text('state').notNull().default('queued'), // 'queued' | 'running' | 'done' | 'failed'
    link: text('link'),
    rowsDone: integer('rows_done').notNull().default(0),
    /** Rows filled (others were newer in the lead database, or not stored). */
    rowsFilled: integer('rows_filled').notNull().default(0),
    /** The stored rows the refresh covers, counted when it starts (progress only). */
    rowsTotal: integer('rows_total'),
    error: text('error'),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [index('quick_syncs_state').on(t.state, t.id)],
);

/**
 * Opportunities, one way from Dynamics. `customer_*` is the polymorphic customerid: a contact or
 * an account. The company of an opportunity sold to a contact is that contact's account, read
 * through persons at query time, so it follows the contact when it moves (store/records/opportunities.ts).
 */
export const opportunities = pgTable(
  'opportunities',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    dynamicsId: uuid('dynamics_id').notNull(),
    customerDynamicsId: uuid('customer_dynamics_id'),
    customerType: text('customer_type'), // 'account' | 'contact' | null
    ownerDynamicsId: uuid('owner_dynamics_id'),
    fields: jsonb('fields')
      .notNull()
      .default(sql`'{}'::jsonb`),
    dynamicsDeleted: boolean('dynamics_deleted').notNull().default(false),
    dynamicsCreatedOn: ts('dynamics_created_on'),
    dynamicsModifiedOn: ts('dynamics_modified_on'),
    seenGeneration: integer('seen_generation').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('opportunities_dynamics_id').on(t.dynamicsId),
    index('opportunities_customer').on(t.customerDynamicsId),
  ],
);

/** Stakeholders: Dynamics connections from an opportunity to a contact (each one a contact role). */
export const opportunityConnections = pgTable(
  'opportunity_connections',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    dynamicsId: uuid('dynamics_id').notNull(),
    opportunityDynamicsId: uuid('opportunity_dynamics_id').notNull(),
    contactDynamicsId: uuid('contact_dynamics_id').notNull(),
    roleDynamicsId: uuid('role_dynamics_id'),
    dynamicsDeleted: boolean('dynamics_deleted').notNull().default(false),
    seenGeneration: integer('seen_generation').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('opportunity_connections_dynamics_id').on(t.dynamicsId),
    index('opportunity_connections_opportunity').on(t.opportunityDynamicsId),
    index('opportunity_connections_contact').on(t.contactDynamicsId),
  ],
);

/**
 * Push (Dataverse webhooks): one row per synced table with notifications waiting for a read
 * (`pending_since`: the earliest change they announce) and the figures status shows, plus one row
 * named `refused` counting notifications with a wrong key. Written by whichever process received
 * the notification, claimed by the runner: the trigger crosses processes through this table.
 */
export const pushState = pgTable('push_state', {
  name: text('name').primaryKey(),
  pendingSince: ts('pending_since'),
  notifications: bigint('notifications', { mode: 'number' }).notNull().default(0),
  lastNotificationAt: ts('last_notification_at'),
  /** Change-to-visible of the last push-triggered read: the change's time in Dynamics to its commit here. */
  lastVisibleMs: integer('last_visible_ms'),
  lastVisibleAt: ts('last_visible_at'),
});
