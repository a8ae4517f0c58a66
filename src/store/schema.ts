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

/** Every timestamp is timestamptz, read as a Date. Shared by the schema files of store/. */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

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
