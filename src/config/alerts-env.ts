/**
 * Alert settings from the environment (parsed once with zod, like the rest of the config): where
 * the daily digest and the "sync stopped" alerts go — e-mail through an SMTP server, and/or a
 * webhook signed with a shared secret. Absent variables mean that channel is off.
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
    DYNASYNC_SMTP_TLS: z.enum(['starttls', 'implicit', 'none']).default('starttls'),
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

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly tls: 'starttls' | 'implicit' | 'none';
  readonly user?: string;
  readonly password?: string;
  readonly from: string;
}

export interface AlertsConfig {
  readonly email?: Readonly<{ to: readonly string[]; smtp: SmtpSettings }>;
  readonly webhook?: Readonly<{ url: string; secret: string }>;
  /** UTC hour of the daily digest of failed records. */
  readonly digestHourUtc: number;
}

/** The alert settings, or the list of problems (each `VARIABLE: message`). */
export function parseAlertsEnv(env: Record<string, string | undefined>): AlertsConfig | string[] {
  const parsed = AlertsSchema.safeParse(env);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const e = parsed.data;
  const to = (e.DYNASYNC_ALERT_EMAIL_TO ?? '').split(/[,\s]+/).filter(Boolean);
  const tls = e.DYNASYNC_SMTP_TLS;
  return Object.freeze({
    ...(to.length && e.DYNASYNC_SMTP_HOST
      ? {
          email: Object.freeze({
            to: Object.freeze(to),
            smtp: Object.freeze({
              host: e.DYNASYNC_SMTP_HOST,
              port: e.DYNASYNC_SMTP_PORT ?? (tls === 'implicit' ? 465 : 587),
              tls,
              ...(e.DYNASYNC_SMTP_USER ? { user: e.DYNASYNC_SMTP_USER } : {}),
              ...(e.DYNASYNC_SMTP_PASSWORD ? { password: e.DYNASYNC_SMTP_PASSWORD } : {}),
              from: e.DYNASYNC_SMTP_FROM ?? `dynasync <dynasync@${e.DYNASYNC_SMTP_HOST}>`,
            }),
          }),
        }
      : {}),
    ...(e.DYNASYNC_ALERT_WEBHOOK_URL && e.DYNASYNC_ALERT_WEBHOOK_SECRET
      ? { webhook: Object.freeze({ url: e.DYNASYNC_ALERT_WEBHOOK_URL, secret: e.DYNASYNC_ALERT_WEBHOOK_SECRET }) }
      : {}),
    digestHourUtc: e.DYNASYNC_ALERT_DIGEST_HOUR ?? 8,
  });
}
