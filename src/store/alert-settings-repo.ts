/**
 * The alert settings entered on the Alert settings page (table alert_settings, one row). The SMTP
 * password and the webhook secret are sealed (secrets.ts) with where they may be sent — the SMTP
 * host and the webhook URL — and are released only while the row still names that place, as the
 * connection's secrets are (connection-repo.ts): a row changed behind the application's back cannot
 * send the password to another server. Saving writes the audit row in the same transaction.
 */
import type { AlertFields, SmtpTls } from '../config/alerts-env.js';
import { recordAudit, type AuditNote } from './audit-log.js';
import { inTransaction } from './db/tx.js';
import type { SqlClient } from './db/types.js';
import type { SecretBox } from './secrets.js';

interface Row {
  email_to: string | null;
  smtp_host: string | null;
  smtp_port: number | null;
  smtp_tls: SmtpTls | null;
  smtp_user: string | null;
  smtp_from: string | null;
  webhook_url: string | null;
  digest_hour: number | null;
  secrets: string | null;
  updated_by: string | null;
  updated_at: Date | string;
}

interface Sealed {
  readonly smtpPassword?: string;
  readonly webhookSecret?: string;
  readonly for: { readonly smtpHost: string | null; readonly webhookUrl: string | null };
}

export interface StoredAlertSettings {
  /** The stored fields, secrets included (for the alerter; never for the browser). */
  readonly fields: AlertFields;
  readonly updatedBy: string | null;
  readonly updatedAt: Date | null;
}

/** A change: a value replaces, null clears, absent keeps what is stored. */
export type AlertSettingsChange = { readonly [K in keyof AlertFields]?: AlertFields[K] | null };

const COLUMNS = {
  emailTo: 'email_to',
  smtpHost: 'smtp_host',
  smtpPort: 'smtp_port',
  smtpTls: 'smtp_tls',
  smtpUser: 'smtp_user',
  smtpFrom: 'smtp_from',
  webhookUrl: 'webhook_url',
  digestHour: 'digest_hour',
} as const satisfies Partial<Record<keyof AlertFields, keyof Row>>;

const readRow = async (c: SqlClient, forUpdate = false): Promise<Row | undefined> =>
  (await c.query<Row>(`SELECT * FROM alert_settings WHERE id = 1${forUpdate ? ' FOR UPDATE' : ''}`)).rows[0];

/** The sealed secrets that still belong to the row's destinations. */
function openSecrets(row: Row, box: SecretBox): Pick<AlertFields, 'smtpPassword' | 'webhookSecret'> {
  if (!row.secrets) return {};
  const s = JSON.parse(box.open(row.secrets)) as Sealed;
  return {
    ...(s.smtpPassword && s.for.smtpHost === row.smtp_host ? { smtpPassword: s.smtpPassword } : {}),
    ...(s.webhookSecret && s.for.webhookUrl === row.webhook_url ? { webhookSecret: s.webhookSecret } : {}),
  };
}

function fieldsOf(row: Row, box: SecretBox): AlertFields {
  const plain: Record<string, unknown> = {
    emailTo: row.email_to ? row.email_to.split(',').filter(Boolean) : undefined,
    smtpHost: row.smtp_host,
    smtpPort: row.smtp_port,
    smtpTls: row.smtp_tls,
    smtpUser: row.smtp_user,
    smtpFrom: row.smtp_from,
    webhookUrl: row.webhook_url,
    digestHour: row.digest_hour,
    ...openSecrets(row, box),
  };
  return Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== null && v !== undefined)) as AlertFields;
}

export async function loadAlertSettings(c: SqlClient, box: SecretBox): Promise<StoredAlertSettings> {
  const row = await readRow(c);
  if (!row) return { fields: {}, updatedBy: null, updatedAt: null };
  return { fields: fieldsOf(row, box), updatedBy: row.updated_by, updatedAt: new Date(row.updated_at) };
}

/**
 * Applies the change and returns the stored fields. A secret kept (absent from the change) stays
 * only while its host / URL is unchanged: a new destination needs the secret entered again.
 * `check` sees the fields that would be stored and may refuse them (throw) before anything is written.
 */
export async function saveAlertSettings(
  c: SqlClient,
  box: SecretBox,
  change: AlertSettingsChange,
  opts: { actor: string; check?: (fields: AlertFields) => void; audit?: (fields: AlertFields) => AuditNote },
): Promise<AlertFields> {
  return inTransaction(c, async (tx) => {
    const row = await readRow(tx, true);
    const before = row ? fieldsOf(row, box) : {};
    const merged: Record<string, unknown> = { ...before };
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) continue;
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    if (merged.smtpHost !== before.smtpHost && change.smtpPassword === undefined) delete merged.smtpPassword;
    if (merged.webhookUrl !== before.webhookUrl && change.webhookSecret === undefined) delete merged.webhookSecret;
    const fields = merged as AlertFields;
    opts.check?.(fields);
    const sealed: Sealed = {
      ...(fields.smtpPassword ? { smtpPassword: fields.smtpPassword } : {}),
      ...(fields.webhookSecret ? { webhookSecret: fields.webhookSecret } : {}),
      for: { smtpHost: fields.smtpHost ?? null, webhookUrl: fields.webhookUrl ?? null },
    };
    const values = [
      fields.emailTo?.join(',') ?? null,
      fields.smtpHost ?? null,
      fields.smtpPort ?? null,
      fields.smtpTls ?? null,
      fields.smtpUser ?? null,
      fields.smtpFrom ?? null,
      fields.webhookUrl ?? null,
      fields.digestHour ?? null,
      fields.smtpPassword || fields.webhookSecret ? box.seal(JSON.stringify(sealed)) : null,
      opts.actor,
    ];
    const columns = [...Object.values(COLUMNS), 'secrets', 'updated_by'];
    await tx.query(
      `INSERT INTO alert_settings (id, ${columns.join(', ')}) VALUES (1, ${columns.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${columns.map((col) => `${col} = EXCLUDED.${col}`).join(', ')}, updated_at = now()`,
      values,
    );
    if (opts.audit) await recordAudit(tx, opts.audit(fields));
    return fields;
  });
}
