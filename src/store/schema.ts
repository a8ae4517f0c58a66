/**
 * The lead database. Dynamic fields (chosen at setup, custom columns) live in jsonb `fields`
 * keyed by local field name; keys, links and sync bookkeeping are real columns.
 *
 * A person's company fields are not copied onto the person: they are its company's `fields`, read
 * through `persons.account_dynamics_id = companies.dynamics_id`. One update reaches every person
 * of the company at once, and a contact that arrives before its account links when the account does.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const connection = pgTable('connection', {
  id: integer('id').primaryKey().default(1),
  orgUrl: text('org_url').notNull(),
  authKind: text('auth_kind').notNull(), // 'password' | 'client_credentials'
  username: text('username'),
  clientId: text('client_id').notNull(),
  tenant: text('tenant'),
  /** Token authority override (sovereign clouds, the emulator's identity endpoint). */
  authority: text('authority'),
  /** AES-256-GCM sealed JSON of { password?, clientSecret? }: never plaintext. */
  secrets: text('secrets').notNull(),
  /** WhoAmI UserId once validated: changes by this user are not echoed back. */
  dynamicsUserId: uuid('dynamics_user_id'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const fieldCatalog = pgTable(
  'field_catalog',
  {
    entity: text('entity').notNull(),
    logicalName: text('logical_name').notNull(),
    attributeType: text('attribute_type').notNull(),
    displayName: text('display_name').notNull(),
    isValidForRead: boolean('is_valid_for_read').notNull(),
    isSecured: boolean('is_secured').notNull(),
    readable: boolean('readable').notNull(),
    isCustom: boolean('is_custom').notNull(),
    maxLength: integer('max_length'),
    /** MinValue / MaxValue of number columns (Integer, BigInt, Money, Decimal, Double). */
    minValue: doublePrecision('min_value'),
    maxValue: doublePrecision('max_value'),
    requiredLevel: text('required_level').notNull(),
    options: jsonb('options'),
    /** Write capability of the sync user; rows stored before it was read say 'not_checked'. */
    canUpdate: boolean('can_update').notNull().default(false),
    canCreate: boolean('can_create').notNull().default(false),
    updateDenied: text('update_denied').default('not_checked'), // WriteDenial, null when can_update
    createDenied: text('create_denied').default('not_checked'), // WriteDenial, null when can_create
    refreshedAt: ts('refreshed_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.entity, t.logicalName] })],
);

export const fieldSelection = pgTable(
  'field_selection',
  {
    entity: text('entity').notNull(),
    logicalName: text('logical_name').notNull(),
    localName: text('local_name').notNull(),
    selectedAt: ts('selected_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.entity, t.logicalName] })],
);

/** One checkpoint per stream (table). `link` is a nextLink mid-read or the deltaLink between cycles. */
export const checkpoints = pgTable('checkpoints', {
  stream: text('stream').primaryKey(),
  phase: text('phase').notNull(), // 'initial' | 'delta'
  link: text('link'),
  /** Bumped by every full read; rows a full read did not see keep an older value and are marked deleted. */
  generation: integer('generation').notNull().default(1),
  /** Hash of the selected columns: a different selection needs a new full read. */
  selectHash: text('select_hash').notNull(),
  /** Optimistic lock: a write with a stale version fails instead of rewinding another runner. */
  version: integer('version').notNull().default(1),
  /** Set while a table is stopped (e.g. a selected column was deleted in Dynamics). */
  blockedReason: text('blocked_reason'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const salesPersons = pgTable(
  'sales_persons',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    dynamicsId: uuid('dynamics_id').notNull(),
    fields: jsonb('fields')
      .notNull()
      .default(sql`'{}'::jsonb`),
    dynamicsDeleted: boolean('dynamics_deleted').notNull().default(false),
    seenGeneration: integer('seen_generation').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('sales_persons_dynamics_id').on(t.dynamicsId)],
);

export const companies = pgTable(
  'companies',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    dynamicsId: uuid('dynamics_id').notNull(),
    ownerDynamicsId: uuid('owner_dynamics_id'),
    fields: jsonb('fields')
      .notNull()
      .default(sql`'{}'::jsonb`),
    dynamicsDeleted: boolean('dynamics_deleted').notNull().default(false),
    dynamicsModifiedOn: ts('dynamics_modified_on'),
    /** The account's versionnumber when last read: a re-read at the same version is not a Dynamics update. */
    dynamicsVersion: bigint('dynamics_version', { mode: 'number' }),
    /** Fields edited locally since the account's last Dynamics update: a re-read keeps their values. */
    localEdits: text('local_edits')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    seenGeneration: integer('seen_generation').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('companies_dynamics_id').on(t.dynamicsId)],
);

export const persons = pgTable(
  'persons',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Null for a person that exists only in the lead database. */
    dynamicsId: uuid('dynamics_id'),
    dynamicsType: text('dynamics_type'), // 'Contact' | 'Lead' | null
    accountDynamicsId: uuid('account_dynamics_id'),
    ownerDynamicsId: uuid('owner_dynamics_id'),
    email: text('email'),
    fields: jsonb('fields')
      .notNull()
      .default(sql`'{}'::jsonb`),
    dynamicsDeleted: boolean('dynamics_deleted').notNull().default(false),
    dynamicsCreatedOn: ts('dynamics_created_on'),
    dynamicsModifiedOn: ts('dynamics_modified_on'),
    /** The Dynamics row's versionnumber when last read or written: the `If-Match` of the next write. */
    dynamicsVersion: bigint('dynamics_version', { mode: 'number' }),
    /** The lead this person was (or is): a qualified lead's contact keeps the person, and its lead id. */
    dynamicsLeadId: uuid('dynamics_lead_id'),
    /** new_synctomkto turned No: the person is kept but no longer updated (reference 2.2). */
    syncStopped: boolean('sync_stopped').notNull().default(false),
    seenGeneration: integer('seen_generation').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('persons_dynamics_id').on(t.dynamicsId),
    uniqueIndex('persons_dynamics_lead_id').on(t.dynamicsLeadId),
    index('persons_account').on(t.accountDynamicsId, t.id),
    index('persons_email').on(sql`lower(${t.email})`),
  ],
);

export const activities = pgTable(
  'activities',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    personId: bigint('person_id', { mode: 'number' }).notNull(),
    typeId: integer('type_id').notNull(),
    occurredAt: ts('occurred_at').notNull().defaultNow(),
    /** Change Data Value: the field name; New Lead: the person's name. */
    primaryAttributeValue: text('primary_attribute_value'),
    /** { field, oldValue, newValue, reason, source } for Change Data Value. */
    attributes: jsonb('attributes')
      .notNull()
      .default(sql`'{}'::jsonb`),
    runId: bigint('run_id', { mode: 'number' }),
  },
  (t) => [index('activities_person').on(t.personId, t.id), index('activities_time').on(t.occurredAt, t.id)],
);

export const syncRuns = pgTable('sync_runs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  trigger: text('trigger').notNull(), // 'schedule' | 'manual' | 'once' | 'push'
  status: text('status').notNull(), // 'running' | 'success' | 'partial' | 'failed' | 'cancelled'
  startedAt: ts('started_at').notNull().defaultNow(),
  endedAt: ts('ended_at'),
  /** Per table: { inserted, updated, deleted, unchanged, skipped, pages, fullRead, reason? }. */
  stats: jsonb('stats')
    .notNull()
    .default(sql`'{}'::jsonb`),
  notes: jsonb('notes')
    .notNull()
    .default(sql`'[]'::jsonb`),
  error: text('error'),
});

export const syncErrors = pgTable(
  'sync_errors',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: bigint('run_id', { mode: 'number' }),
    occurredAt: ts('occurred_at').notNull().defaultNow(),
    entity: text('entity').notNull(),
    recordId: text('record_id'),
    operation: text('operation').notNull(), // 'create' | 'update' | 'delete' | 'read' | 'schema'
    direction: text('direction').notNull(), // 'from_dynamics' | 'to_dynamics'
    code: text('code').notNull(),
    message: text('message').notNull(),
    personId: bigint('person_id', { mode: 'number' }),
    /** The Dynamics column at fault ('' when the problem is the record as a whole). */
    columnName: text('column_name').notNull().default(''),
    /** Seeing the same problem again bumps these instead of adding a row. */
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
    occurrences: integer('occurrences').notNull().default(1),
    /** Set when the record next syncs; a resolved error is history, a new break a new error. */
    resolvedAt: ts('resolved_at'),
    /** Null when the record synced; 'admin' (resolved: hidden until it happens again) or 'retry'. */
    resolvedBy: text('resolved_by'),
  },
  (t) => [
    index('sync_errors_time').on(t.occurredAt),
    // One open error per record, column, problem and direction.
    uniqueIndex('sync_errors_open')
      .on(t.entity, t.recordId, t.columnName, t.code, t.direction)
      .where(sql`resolved_at IS NULL AND record_id IS NOT NULL`),
  ],
);

/**
 * Pending writes to Dynamics (the outbox): one row per person and field, committed in the same
 * transaction as the local change. The sender is the only reader; a confirmed row is deleted in
 * the transaction that stores the new version, so a killed process resends exactly what it had not
 * confirmed. `op = 'create'` rows carry the primary key chosen at enqueue time (`dynamics_id`).
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    personId: bigint('person_id', { mode: 'number' }).notNull(),
    entity: text('entity').notNull(), // 'lead' | 'contact'
    dynamicsId: uuid('dynamics_id').notNull(),
    op: text('op').notNull().default('update'), // 'update' | 'create'
    /** Local field name ('*' for a create, whose value is the whole body). */
    field: text('field').notNull(),
    value: jsonb('value'),
    /** The value Dynamics had when the field was first changed locally: a different incoming value is a Dynamics edit. */
    base: jsonb('base'),
    /** Bumped by every change of the value: a confirmation of an older send keeps the row. */
    revision: integer('revision').notNull().default(1),
    state: text('state').notNull().default('pending'), // 'pending' | 'failed'
    syncErrorId: bigint('sync_error_id', { mode: 'number' }),
    enqueuedAt: ts('enqueued_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('outbox_person_field').on(t.personId, t.field),
    index('outbox_dynamics_id').on(t.dynamicsId),
    index('outbox_pending').on(t.state, t.id),
  ],
);

/** Small settings: admin password hash, schedule state. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** REST API clients (`dynasync api-client create`). The secret is shown once and kept as an scrypt hash. */
export const apiClients = pgTable(
  'api_clients',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    clientId: text('client_id').notNull(),
    /** `scrypt$N$r$p$salt$hash` (base64url parts). */
    secretHash: text('secret_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastUsedAt: ts('last_used_at'),
    /** Set by revoke: the client gets no token, and its tokens stop working at once. */
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('api_clients_client_id').on(t.clientId), uniqueIndex('api_clients_name').on(t.name)],
);

/**
 * REST access tokens: only a SHA-256 of the random token is stored, so a leaked table grants nothing.
 * No foreign key: drizzle-kit would qualify it with "public", which breaks migrations into other schemas.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    apiClientId: bigint('api_client_id', { mode: 'number' }).notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('api_tokens_expires').on(t.expiresAt)],
);

/**
 * Admin sessions of the web UI, shared by every process on the database: only a SHA-256 of the
 * random session id is stored (the CSRF token is derived from the id, so nothing else is secret).
 * Expiry is decided by the server; a password change deletes every row.
 */
export const adminSessions = pgTable(
  'admin_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    /** The named admin user signed in (admin_users.id); sessions from before named users have none and are refused. */
    userId: bigint('user_id', { mode: 'number' }),
    createdAt: ts('created_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('admin_sessions_expires').on(t.expiresAt)],
);

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

/**
 * Named admin users of the web UI: `admin` (everything) or `viewer` (read only). The first
 * password-only install becomes the user named `admin`. A user invited and not yet accepted has no
 * password hash and cannot sign in.
 */
export const adminUsers = pgTable(
  'admin_users',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** An email address, or `admin` for the original single-password admin. Stored lower-case. */
    email: text('email').notNull(),
    role: text('role').notNull(), // 'admin' | 'viewer'
    /** scrypt PasswordHash JSON; null until the invite is accepted. */
    passwordHash: jsonb('password_hash'),
    invitedBy: text('invited_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastSignInAt: ts('last_sign_in_at'),
  },
  (t) => [uniqueIndex('admin_users_email').on(t.email)],
);

/** One-time invite links: only a SHA-256 of the random token is stored; used or expired ones grant nothing. */
export const adminInvites = pgTable(
  'admin_invites',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: bigint('user_id', { mode: 'number' }).notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [index('admin_invites_user').on(t.userId)],
);

/** Who changed what: the connection, the field selection, a company field, API clients, admin users. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull().defaultNow(),
    /** The admin user's email, `admin`, or `cli` for the command line. */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target').notNull(),
    details: jsonb('details')
      .notNull()
      .default(sql`'{}'::jsonb`),
  },
  (t) => [index('audit_log_at').on(t.at, t.id)],
);
