/**
 * The alerts as the UI sees them: where they go (GET /api/alerts), their settings (GET/PUT
 * /api/alerts/settings: values of the plain fields, only "set" / "not set" of the SMTP password and
 * the webhook secret, never the secrets themselves) and "send a test message" (POST
 * /api/alerts/test), through the channels the alerter in `run` uses with the same settings. A field
 * the environment sets is locked: the environment wins, and a change of it is refused.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { alertFieldProblems, ALERT_FIELD_VARIABLES, type AlertFields } from '../../config/alerts-env.js';
import { InvalidInputError } from '../../domain/index.js';
import { saveAlertSettings, type AlertSettingsChange } from '../../store/alert-settings-repo.js';
import { alertChannels } from '../../sync/alerts/channels.js';
import { testMessage } from '../../sync/alerts/messages.js';
import {
  alertSettingsView,
  currentAlerts,
  effectiveFields,
  lockedFields,
  SECRET_FIELDS,
} from '../../sync/alerts/settings.js';
import type { ApiDeps } from '../deps.js';
import { actorOf, auditNote } from './audit.js';
import { AdminRefusal } from './errors.js';
import { parseInput } from './input.js';

/** Text: trimmed, "" clears (null), absent keeps. */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .optional()
    .transform((s) => (s === '' ? null : s));
const whole = (min: number, max: number) => z.number().int().min(min).max(max).nullable().optional();

const SettingsBody = z.strictObject({
  emailTo: text(2000).pipe(
    z
      .string()
      .transform((s) => s.split(/[,\s]+/).filter(Boolean))
      .pipe(z.array(z.email('must be e-mail addresses, separated by commas')).max(50))
      .nullable()
      .optional(),
  ),
  smtpHost: text(255),
  smtpPort: whole(1, 65_535),
  smtpTls: z.enum(['starttls', 'implicit', 'none']).nullable().optional(),
  smtpUser: text(320),
  smtpFrom: text(320),
  webhookUrl: text(2000).pipe(
    z
      .url({ protocol: /^https?$/ })
      .nullable()
      .optional(),
  ),
  digestHour: whole(0, 23),
  // Secrets: a value replaces, null clears, absent keeps ("" is not a secret).
  smtpPassword: z.string().min(1).max(1000).nullable().optional(),
  webhookSecret: z.string().min(16, 'must be at least 16 characters').max(1000).nullable().optional(),
});

export function registerAlertRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const source = { db: deps.db, secretBox: deps.secretBox, env: deps.config.alerts };

  app.get('/api/alerts', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    const view = await alertSettingsView(source);
    return { ...view.channels, digestHourUtc: view.digestHourUtc };
  });

  app.get('/api/alerts/settings', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    return alertSettingsView(source);
  });

  app.put('/api/alerts/settings', async (request, reply) => {
    const change = parseInput(SettingsBody, request.body, 'alert settings') as AlertSettingsChange;
    const locked = lockedFields(deps.config.alerts).filter((k) => change[k] !== undefined);
    if (locked.length)
      throw new AdminRefusal(
        409,
        'alert_setting_locked',
        `Set in the environment, which wins over this page: ${locked.map((k) => ALERT_FIELD_VARIABLES[k]).join(', ')}`,
      );
    const changed = Object.keys(change).filter((k) => change[k as keyof AlertFields] !== undefined);
    await saveAlertSettings(deps.db, deps.secretBox, change, {
      actor: actorOf(request),
      check: (stored) => {
        const problems = alertFieldProblems(effectiveFields(deps.config.alerts, stored));
        if (problems.length) throw new InvalidInputError('alert_settings_incomplete', problems.join('; '));
      },
      audit: () =>
        auditNote(request, 'alerts.save', 'alert settings', {
          changed: changed.filter((k) => !(SECRET_FIELDS as readonly string[]).includes(k)),
          // Secrets: only that they changed, never their value.
          ...Object.fromEntries(
            SECRET_FIELDS.filter((k) => change[k] !== undefined).map((k) => [
              k,
              change[k] === null ? 'cleared' : 'replaced',
            ]),
          ),
        }),
    });
    void reply.header('cache-control', 'no-store');
    return alertSettingsView(source);
  });

  app.post('/api/alerts/test', async () => {
    const channels = alertChannels(await currentAlerts(source));
    if (channels.length === 0)
      throw new AdminRefusal(
        409,
        'alerts_not_configured',
        'No alert channel is configured: enter an SMTP server and recipients, or a webhook URL and its secret, on the Alert settings page (or set DYNASYNC_ALERT_EMAIL_TO and DYNASYNC_SMTP_HOST, or DYNASYNC_ALERT_WEBHOOK_URL and DYNASYNC_ALERT_WEBHOOK_SECRET)',
      );
    const message = testMessage(new Date());
    const results = await Promise.allSettled(channels.map((c) => c.send(message)));
    return {
      results: results.map((r, i) => ({
        channel: channels[i]!.name,
        sent: r.status === 'fulfilled',
        ...(r.status === 'rejected' ? { error: (r.reason as Error).message } : {}),
      })),
    };
  });
}
