/**
 * The logger every module receives (never imported as a global). pino underneath; secrets are
 * redacted by path so a careless `log.info({ connection })` cannot leak them.
 */
import pino from 'pino';

export type Logger = pino.Logger;

export const REDACT_PATHS = [
  'password',
  'clientSecret',
  'client_secret',
  'secret',
  'secrets',
  'accessToken',
  'access_token',
  'authorization',
  '*.password',
  '*.clientSecret',
  '*.client_secret',
  '*.secret',
  '*.secrets',
  '*.accessToken',
  '*.access_token',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
];

export function createLogger(opts: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { app: 'dynasync' },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options, pino.destination(2));
}

/** For tests and quiet commands. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
