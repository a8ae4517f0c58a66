/**
 * Where the alert tests' messages arrive: a local SMTP server (smtp-server, no TLS, no sign-in) and
 * a local webhook receiver that keeps each raw body with its signature header. Both listen on
 * 127.0.0.1 at a free port; `env` gives the variables that point dynasync at them.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { SIGNATURE_HEADER } from '../../src/sync/alerts/index.js';

export interface ReceivedMail {
  /** The envelope's recipients. */
  readonly to: string[];
  /** The message as text (quoted-printable decoded). */
  readonly raw: string;
}

export interface ReceivedPost {
  readonly body: string;
  readonly signature: string | undefined;
}

export interface AlertReceivers {
  readonly mails: ReceivedMail[];
  readonly posts: ReceivedPost[];
  readonly smtpPort: number;
  readonly webhookUrl: string;
  /** DYNASYNC_* variables for these receivers (recipients and secret as given). */
  env(o: { to: string; secret: string; digestHour?: number }): Record<string, string>;
  /** The last webhook body as JSON. */
  lastPost(): Record<string, unknown>;
  close(): Promise<void>;
}

/** The message as text: quoted-printable soft breaks joined and =XX bytes decoded. */
export function decodedMail(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, '');
  return Buffer.from(
    joined.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
}

export async function startAlertReceivers(): Promise<AlertReceivers> {
  const mails: ReceivedMail[] = [];
  const posts: ReceivedPost[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, session, done) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString('utf8')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: decodedMail(raw) });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      posts.push({ body, signature: req.headers[SIGNATURE_HEADER] as string | undefined });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const webhookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  return {
    mails,
    posts,
    smtpPort,
    webhookUrl,
    env: (o) => ({
      DYNASYNC_ALERT_EMAIL_TO: o.to,
      DYNASYNC_SMTP_HOST: '127.0.0.1',
      DYNASYNC_SMTP_PORT: String(smtpPort),
      DYNASYNC_SMTP_TLS: 'none',
      DYNASYNC_ALERT_WEBHOOK_URL: webhookUrl,
      DYNASYNC_ALERT_WEBHOOK_SECRET: o.secret,
      ...(o.digestHour !== undefined ? { DYNASYNC_ALERT_DIGEST_HOUR: String(o.digestHour) } : {}),
    }),
    lastPost: () => JSON.parse(posts.at(-1)!.body) as Record<string, unknown>,
    close: async () => {
      await new Promise<void>((resolve) => smtp.close(resolve));
      await new Promise<void>((resolve) => hook.close(() => resolve()));
    },
  };
}
