/**
 * The alert settings in force: the Alert settings page's (stored in the lead database, secrets
 * sealed) with the environment's over them, field by field — a variable that is set wins, and the
 * page shows that field locked, naming the variable. Read at every check of the alerter, so a
 * running `run` sends with settings changed on the page at its next check, without a restart.
 */
import {
  ALERT_FIELD_VARIABLES,
  alertFieldProblems,
  alertsFromFields,
  type AlertFields,
  type AlertsConfig,
} from '../../config/alerts-env.js';
import { loadAlertSettings } from '../../store/alert-settings-repo.js';
import type { SqlClient } from '../../store/db/types.js';
import type { SecretBox } from '../../store/secrets.js';

export interface AlertSettingsSource {
  readonly db: SqlClient;
  readonly secretBox: SecretBox;
  /** The environment's settings (config.alerts), if any. */
  readonly env: AlertsConfig | undefined;
}

export const SECRET_FIELDS = ['smtpPassword', 'webhookSecret'] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];
export type PlainField = Exclude<keyof AlertFields, SecretField>;
export const PLAIN_FIELDS: readonly PlainField[] = (Object.keys(ALERT_FIELD_VARIABLES) as (keyof AlertFields)[]).filter(
  (k): k is PlainField => !(SECRET_FIELDS as readonly string[]).includes(k),
);

const envFields = (env: AlertsConfig | undefined): AlertFields => env?.fields ?? {};

/** The environment's fields over the stored ones. */
export const effectiveFields = (env: AlertsConfig | undefined, stored: AlertFields): AlertFields => ({
  ...stored,
  ...envFields(env),
});

/** The fields the environment sets (the page cannot change them). */
export const lockedFields = (env: AlertsConfig | undefined): (keyof AlertFields)[] =>
  Object.keys(envFields(env)) as (keyof AlertFields)[];

/** The channels and digest hour to use now. */
export async function currentAlerts(src: AlertSettingsSource): Promise<AlertsConfig> {
  const stored = await loadAlertSettings(src.db, src.secretBox);
  return alertsFromFields(effectiveFields(src.env, stored.fields));
}

/** The settings as the browser sees them: values of plain fields, only set / not set of secrets. */
export async function alertSettingsView(src: AlertSettingsSource) {
  const stored = await loadAlertSettings(src.db, src.secretBox);
  const env = envFields(src.env);
  const fields = effectiveFields(src.env, stored.fields);
  const config = alertsFromFields(fields);
  return {
    fields: Object.fromEntries(
      PLAIN_FIELDS.map((k) => [k, { value: fields[k] ?? null, locked: k in env, variable: ALERT_FIELD_VARIABLES[k] }]),
    ),
    secrets: Object.fromEntries(
      SECRET_FIELDS.map((k) => [k, { set: Boolean(fields[k]), locked: k in env, variable: ALERT_FIELD_VARIABLES[k] }]),
    ),
    problems: alertFieldProblems(fields),
    channels: {
      email: config.email
        ? {
            to: config.email.to,
            smtpHost: config.email.smtp.host,
            port: config.email.smtp.port,
            tls: config.email.smtp.tls,
          }
        : null,
      webhook: config.webhook ? { host: new URL(config.webhook.url).host } : null,
    },
    digestHourUtc: config.digestHourUtc,
    updatedBy: stored.updatedBy,
    updatedAt: stored.updatedAt?.toISOString() ?? null,
  };
}
