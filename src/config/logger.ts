/**
 * The logger every module receives (never imported as a global). pino underneath; secrets are
 * redacted by path so a careless `log.info({ connection })` cannot leak them. On a terminal, log
 * lines go through the process's terminal writer, so they never glue onto the progress bar.
 */
import pino from 'pino';
import { processTerminal, type Terminal, type TerminalStream } from './terminal.js';

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
  return pino(
    options,
    opts.destination ?? (process.stderr.isTTY ? terminalDestination(process.stderr) : pino.destination(2)),
  );
}

/** Log lines to `stream` through `terminal`: above the status line (the progress bar), never on it. */
export function terminalDestination(
  stream: TerminalStream,
  terminal: Terminal = processTerminal,
): pino.DestinationStream {
  return { write: (line: string) => terminal.write(stream, line) };
}

/** For tests and quiet commands. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
