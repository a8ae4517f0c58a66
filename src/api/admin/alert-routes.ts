/**
 * The alerts as the UI sees them: where they go (GET /api/alerts: recipients and the webhook's
 * host, never its secret or the SMTP password) and "send a test message" (POST /api/alerts/test),
 * through the same channels the alerter in `run` uses.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { alertChannels } from '../../sync/alerts/channels.js';
import { testMessage } from '../../sync/alerts/messages.js';
import { AdminRefusal } from './errors.js';

export function registerAlertRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const alerts = deps.config.alerts;
  app.get('/api/alerts', async () => ({
    email: alerts?.email ? { to: alerts.email.to, smtpHost: alerts.email.smtp.host } : null,
    webhook: alerts?.webhook ? { host: new URL(alerts.webhook.url).host } : null,
    digestHourUtc: alerts?.digestHourUtc ?? null,
  }));

  app.post('/api/alerts/test', async () => {
    const channels = alertChannels(alerts);
    if (channels.length === 0)
      throw new AdminRefusal(
        409,
        'alerts_not_configured',
        'No alert channel is configured: set DYNASYNC_ALERT_EMAIL_TO and DYNASYNC_SMTP_HOST, or DYNASYNC_ALERT_WEBHOOK_URL and DYNASYNC_ALERT_WEBHOOK_SECRET',
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
