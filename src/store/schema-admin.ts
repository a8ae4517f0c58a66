/**
 * The lead database's tables for the people who run dynasync: named admin users, their invites,
 * and the audit log of who changed what.
 */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './schema.js';

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

/**
 * Alert settings entered on the Alert settings page (one row, id 1). A column left null is not set
 * here; a variable of the environment wins over its column (sync/alerts/settings.ts). The SMTP
 * password and the webhook's shared secret are sealed (AES-256-GCM, store/secrets.ts) together
 * with where they may be sent: never plaintext, never sent back to the browser.
 */
export const alertSettings = pgTable('alert_settings', {
  id: integer('id').primaryKey().default(1),
  /** Recipients, comma-separated. */
  emailTo: text('email_to'),
  smtpHost: text('smtp_host'),
  smtpPort: integer('smtp_port'),
  smtpTls: text('smtp_tls'), // 'starttls' | 'implicit' | 'none'
  smtpUser: text('smtp_user'),
  smtpFrom: text('smtp_from'),
  webhookUrl: text('webhook_url'),
  digestHour: integer('digest_hour'),
  /** Sealed JSON of { smtpPassword?, webhookSecret?, for: { smtpHost, webhookUrl } }. */
  secrets: text('secrets'),
  updatedBy: text('updated_by'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
