/**
 * Where an alert goes: e-mail (nodemailer over the configured SMTP server) and a webhook (a JSON
 * POST signed with HMAC-SHA256 of a shared secret). The signature header is
 * `X-Dynasync-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: a receiver
 * recomputes it over the raw body and rejects an old `t` (replays).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { AlertsConfig, SmtpSettings } from '../../config/alerts-env.js';
import { RetriableError } from '../../domain/index.js';

export interface AlertMessage {
  /** 'sync_stopped' | 'sync_recovered' | 'digest' | 'test' */
  readonly kind: string;
  readonly subject: string;
  /** Plain text for the e-mail. */
  readonly text: string;
  /** The webhook's JSON (kind, subject and at are added). */
  readonly data: Readonly<Record<string, unknown>>;
  readonly at: Date;
}

export interface AlertChannel {
  readonly name: 'email' | 'webhook';
  send(message: AlertMessage): Promise<void>;
}

export const SIGNATURE_HEADER = 'x-dynasync-signature';

export function signBody(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** For receivers (and the tests): true when the header signs this body with this secret. */
export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const expected = Buffer.from(signBody(secret, body, Number(m[1])));
  const given = Buffer.from(header!);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function emailChannel(to: readonly string[], smtp: SmtpSettings): AlertChannel {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.tls === 'implicit',
    requireTLS: smtp.tls === 'starttls',
    ignoreTLS: smtp.tls === 'none',
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
  });
  return {
    name: 'email',
    send: async (m) => {
      try {
        await transport.sendMail({ from: smtp.from, to: [...to], subject: m.subject, text: m.text });
      } catch (err) {
        throw new RetriableError('alert_email_failed', `Cannot send the alert e-mail: ${(err as Error).message}`);
      }
    },
  };
}

function webhookChannel(url: string, secret: string): AlertChannel {
  return {
    name: 'webhook',
    send: async (m) => {
      const body = JSON.stringify({ kind: m.kind, subject: m.subject, at: m.at.toISOString(), ...m.data });
      const signature = signBody(secret, body, Math.floor(m.at.getTime() / 1000));
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
          body,
          signal: AbortSignal.timeout(15_000),
        });
      } catch (err) {
        throw new RetriableError(
          'alert_webhook_failed',
          `The alert webhook does not answer: ${(err as Error).message}`,
        );
      }
      if (!res.ok) throw new RetriableError('alert_webhook_failed', `The alert webhook answered ${res.status}`);
    },
  };
}

export function alertChannels(config: AlertsConfig | undefined): AlertChannel[] {
  if (!config) return [];
  return [
    ...(config.email ? [emailChannel(config.email.to, config.email.smtp)] : []),
    ...(config.webhook ? [webhookChannel(config.webhook.url, config.webhook.secret)] : []),
  ];
}
