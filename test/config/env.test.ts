/**
 * A broken configuration never starts a half-working command: every variable is checked at start,
 * with a message that quotes what was typed and says what is accepted.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/env.js';

const root = resolve(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'dynasync-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', ...args],
      { cwd: root, env: { ...process.env, ...env } },
      (err, _out, stderr) => {
        done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr });
      },
    );
  });
}

const messageOf = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('no ConfigError');
};

describe('configuration from the environment', () => {
  it('quotes the value typed and the accepted range for numbers', () => {
    expect(messageOf({ DYNASYNC_INTERVAL_SECONDS: 'abc' })).toContain(
      'DYNASYNC_INTERVAL_SECONDS: must be a whole number of seconds from 1 to 86400, got "abc"',
    );
    expect(messageOf({ DYNASYNC_PAGE_SIZE: '10000' })).toContain('from 1 to 5000, got "10000"');
    expect(messageOf({ DYNASYNC_HTTP_PORT: '1.5' })).toContain(
      'DYNASYNC_HTTP_PORT: must be a whole number from 0 to 65535, got "1.5"',
    );
    expect(loadConfig({ DYNASYNC_INTERVAL_SECONDS: ' 60 ', DYNASYNC_PAGE_SIZE: '' })).toMatchObject({
      intervalSeconds: 60,
      pageSize: 5000,
    });
  });

  it('checks DYNASYNC_SECRET_KEY before anything is written', async () => {
    expect(messageOf({ DYNASYNC_SECRET_KEY: 'short' })).toContain('DYNASYNC_SECRET_KEY: must be 32 random bytes');
    expect(loadConfig({ DYNASYNC_SECRET_KEY: 'a'.repeat(64) }).secretKey).toBe('a'.repeat(64));
    const dataDir = join(dir, 'never-created');
    const r = await cli(['status'], { DYNASYNC_DATA_DIR: dataDir, DYNASYNC_SECRET_KEY: 'short' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Invalid configuration');
    expect(existsSync(dataDir)).toBe(false);
  }, 60_000);
});

describe('the emulator command', () => {
  let busy: Server | undefined;
  afterAll(() => busy?.close());

  it('explains a port in use in one line, without a stack trace', async () => {
    busy = createServer();
    await new Promise<void>((ok) => busy!.listen(0, '127.0.0.1', ok));
    const port = (busy.address() as { port: number }).port;
    const r = await cli(['emulator', '--port', String(port), '--seed', 'none'], {
      DYNASYNC_DATA_DIR: dir,
      DYNASYNC_LOG_LEVEL: 'silent',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error [port_in_use]: Port ${port} on 127.0.0.1 is in use`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
