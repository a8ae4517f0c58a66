/**
 * Alert settings from the environment (parsed once with zod, like the rest of the config): where
 * the daily digest and the "sync stopped" alerts go — e-mail through an SMTP server, and/or a
 * webhook signed with a shared secret. Absent variables mean that channel is off, unless the Alert
 * settings page sets it (sync/alerts/settings.ts): a variable that is set wins over the page's value
 * for that one field, and the page shows the field as locked by the environment.
 */
import { z } from 'zod';

const optional = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

/** An optional whole number in [min, max]. */
const wholeIn = (min: number, max: number) =>
  optional.transform((raw, ctx) => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (/^\d+$/.test(raw) && n >= min && n <= max) return n;
    ctx.addIssue({
      code: 'custom',
      message: `must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    });
    return z.NEVER;
  });

const AlertsSchema = z
  .object({
    DYNASYNC_ALERT_EMAIL_TO: optional,
    DYNASYNC_SMTP_HOST: optional,
    DYNASYNC_SMTP_PORT: wholeIn(1, 65_535),
    DYNASYNC_SMTP_TLS: z.enum(['starttls', 'implicit', 'none']).optional(),
    DYNASYNC_SMTP_USER: optional,
    DYNASYNC_SMTP_PASSWORD: optional,
    DYNASYNC_SMTP_FROM: optional,
    DYNASYNC_ALERT_WEBHOOK_URL: optional.pipe(z.url({ protocol: /^https?$/ }).optional()),
    DYNASYNC_ALERT_WEBHOOK_SECRET: optional.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    DYNASYNC_ALERT_DIGEST_HOUR: wholeIn(0, 23),
  })
  .superRefine((e, ctx) => {
    if (e.DYNASYNC_ALERT_EMAIL_TO && !e.DYNASYNC_SMTP_HOST)
      ctx.addIssue({
        code: 'custom',
        path: ['DYNASYNC_SMTP_HOST'],
        message: 'is needed to send DYNASYNC_ALERT_EMAIL_TO',
      });
    if (e.DYNASYNC_ALERT_WEBHOOK_URL && !e.DYNASYNC_ALERT_WEBHOOK_SECRET)
      ctx.addIssue({
        code: 'custom',
        path: ['DYNASYNC_ALERT_WEBHOOK_SECRET'],
        message: 'is needed to sign what is posted to DYNASYNC_ALERT_WEBHOOK_URL',
      });
  });

export type SmtpTls = 'starttls' | 'implicit' | 'none';

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly tls: SmtpTls;
  readonly user?: string;
  readonly password?: string;
  readonly from: string;
}

/** Each alert setting on its own, as the environment or the settings page gives it (absent: not set there). */
export interface AlertFields {
  readonly emailTo?: readonly string[];
  readonly smtpHost?: string;
  readonly smtpPort?: number;
  readonly smtpTls?: SmtpTls;
  readonly smtpUser?: string;
  readonly smtpPassword?: string;
  readonly smtpFrom?: string;
  readonly webhookUrl?: string;
  readonly webhookSecret?: string;
  readonly digestHour?: number;
}

/** The environment variable of each field (the settings page names it on a locked field). */
export const ALERT_FIELD_VARIABLES: Readonly<Record<keyof AlertFields, string>> = {
  emailTo: 'DYNASYNC_ALERT_EMAIL_TO',
  smtpHost: 'DYNASYNC_SMTP_HOST',
  smtpPort: 'DYNASYNC_SMTP_PORT',
  smtpTls: 'DYNASYNC_SMTP_TLS',
  smtpUser: 'DYNASYNC_SMTP_USER',
  smtpPassword: 'DYNASYNC_SMTP_PASSWORD',
  smtpFrom: 'DYNASYNC_SMTP_FROM',
  webhookUrl: 'DYNASYNC_ALERT_WEBHOOK_URL',
  webhookSecret: 'DYNASYNC_ALERT_WEBHOOK_SECRET',
  digestHour: 'DYNASYNC_ALERT_DIGEST_HOUR',
};

export interface AlertsConfig {
  readonly email?: Readonly<{ to: readonly string[]; smtp: SmtpSettings }>;
  readonly webhook?: Readonly<{ url: string; secret: string }>;
  /** UTC hour of the daily digest of failed records. */
  readonly digestHourUtc: number;
  /** The fields it was made of (from the environment: those its variables set). */
  readonly fields?: AlertFields;
}

/** The alert settings, or the list of problems (each `VARIABLE: message`). */
export function parseAlertsEnv(env: Record<string, string | undefined>): AlertsConfig | string[] {
  const parsed = AlertsSchema.safeParse(env);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const e = parsed.data;
  const to = (e.DYNASYNC_ALERT_EMAIL_TO ?? '').split(/[,\s]+/).filter(Boolean);
  const fields: AlertFields = definedOnly({
    emailTo: to.length ? to : undefined,
    smtpHost: e.DYNASYNC_SMTP_HOST,
    smtpPort: e.DYNASYNC_SMTP_PORT,
    smtpTls: e.DYNASYNC_SMTP_TLS,
    smtpUser: e.DYNASYNC_SMTP_USER,
    smtpPassword: e.DYNASYNC_SMTP_PASSWORD,
    smtpFrom: e.DYNASYNC_SMTP_FROM,
    webhookUrl: e.DYNASYNC_ALERT_WEBHOOK_URL,
    webhookSecret: e.DYNASYNC_ALERT_WEBHOOK_SECRET,
    digestHour: e.DYNASYNC_ALERT_DIGEST_HOUR,
  });
  return alertsFromFields(fields);
}

const definedOnly = <T extends object>(o: T): T =>
  Object.freeze(Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))) as T;

/**
 * The channels these fields make: e-mail with recipients and a server, a webhook with a URL and its
 * secret (defaults: port 587, or 465 for implicit TLS; STARTTLS; the sender dynasync@<host>; digest
 * at 8:00 UTC). Half a channel makes no channel; `alertFieldProblems` says what it lacks.
 */
export function alertsFromFields(fields: AlertFields): AlertsConfig {
  const tls = fields.smtpTls ?? 'starttls';
  const to = fields.emailTo ?? [];
  return Object.freeze({
    ...(to.length && fields.smtpHost
      ? {
          email: Object.freeze({
            to: Object.freeze([...to]),
            smtp: Object.freeze({
              host: fields.smtpHost,
              port: fields.smtpPort ?? (tls === 'implicit' ? 465 : 587),
              tls,
              ...(fields.smtpUser ? { user: fields.smtpUser } : {}),
              ...(fields.smtpPassword ? { password: fields.smtpPassword } : {}),
              from: fields.smtpFrom ?? `dynasync <dynasync@${fields.smtpHost}>`,
            }),
          }),
        }
      : {}),
    ...(fields.webhookUrl && fields.webhookSecret
      ? { webhook: Object.freeze({ url: fields.webhookUrl, secret: fields.webhookSecret }) }
      : {}),
    digestHourUtc: fields.digestHour ?? 8,
    fields,
  });
}

/** What keeps a channel of these fields from working (each `VARIABLE: message`), or none. */
export function alertFieldProblems(fields: AlertFields): string[] {
  const problems: string[] = [];
  if (fields.emailTo?.length && !fields.smtpHost)
    problems.push('DYNASYNC_SMTP_HOST: is needed to send DYNASYNC_ALERT_EMAIL_TO');
  if (fields.webhookUrl && !fields.webhookSecret)
    problems.push('DYNASYNC_ALERT_WEBHOOK_SECRET: is needed to sign what is posted to DYNASYNC_ALERT_WEBHOOK_URL');
  return problems;
}
