/**
 * `dynasync api-client` beside a running `dynasync run` on the embedded database (PGlite, one
 * process): the command finds the data directory locked and asks the runner over its local admin
 * socket. Real processes: the runner and each command are spawned CLIs.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { connectAndSelectDefaults, runCli, spawnCli, type CliEnv } from '../reliability/helpers/cli.js';
import { waitForText } from '../reliability/helpers/wait.js';

let emu: EmulatorHandle;
let dataDir: string;
let env: CliEnv;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: 3 });
  dataDir = mkdtempSync(join(tmpdir(), 'dynasync-apiclient-'));
  env = { dataDir, logLevel: 'warn' };
  await connectAndSelectDefaults(emu.url, env);
}, 240_000);
afterAll(async () => {
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const waitFor = (read: () => string, pattern: RegExp, ms = 120_000): Promise<RegExpExecArray> =>
  waitForText(read, pattern, ms);

describe('api-client while run holds the embedded database', () => {
  it('creates, lists and revokes through the running process; the secret gets a token from it', async () => {
    const run = spawnCli(['run', '--interval', '3600', '--port', '0'], env);
    let out = '';
    run.child.stdout!.on('data', (d: string) => (out += d));
    try {
      const url = (await waitFor(() => out, /API and web UI: (http:\/\/[^/\s]+)\//))[1]!;
      await waitFor(() => out, /cycle 1: success/);
      const socket = join(dataDir, 'dynasync.sock');
      expect(statSync(socket).mode & 0o777).toBe(0o600);

      const created = JSON.parse((await runCli(['api-client', 'create', 'ci scripts', '--json'], env)).stdout) as {
        clientId: string;
        clientSecret: string;
      };
      const token = await fetch(
        `${url}/identity/oauth/token?grant_type=client_credentials&client_id=${created.clientId}&client_secret=${created.clientSecret}`,
      );
      expect(token.status).toBe(200);

      const list = JSON.parse((await runCli(['api-client', 'list', '--json'], env)).stdout) as {
        name: string;
        lastUsedAt: string | null;
      }[];
      expect(list.find((c) => c.name === 'ci scripts')?.lastUsedAt).not.toBeNull();

      const twice = await runCli(['api-client', 'create', 'ci scripts'], env, { allowFailure: true });
      expect(twice.code).toBe(1);
      expect(twice.stderr).toContain('[api_client_exists]');

      // admin-user invite goes the same way; its link, opened on the running server, sets the password.
      const invite = JSON.parse(
        (await runCli(['admin-user', 'invite', 'ops@example.com', '--role', 'viewer', '--url', url, '--json'], env))
          .stdout,
      ) as { link: string };
      expect(invite.link.startsWith(`${url}/invite?token=`)).toBe(true);
      const accepted = await fetch(`${url}/api/invite/accept`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: new URL(invite.link).searchParams.get('token'), password: 'ops password 1' }),
      });
      expect(accepted.status).toBe(200);
      expect(((await accepted.json()) as { user: { role: string } }).user.role).toBe('viewer');

      const revoked = await runCli(['api-client', 'revoke', 'ci scripts'], env);
      expect(revoked.stdout).toContain("API client 'ci scripts'");
      expect(revoked.stdout).toContain('revoked');
    } finally {
      run.child.kill('SIGTERM');
      expect((await run.done).code).toBe(0);
    }
    // Stopped: the socket is gone, and the command opens the database itself.
    expect(existsSync(join(dataDir, 'dynasync.sock'))).toBe(false);
    const after = JSON.parse((await runCli(['api-client', 'list', '--json'], env)).stdout) as { revokedAt: string }[];
    expect(after).toHaveLength(1);
    expect(after[0]!.revokedAt).not.toBeNull();
    const users = JSON.parse((await runCli(['admin-user', 'list', '--json'], env)).stdout) as {
      email: string;
      status: string;
    }[];
    expect(users).toEqual([expect.objectContaining({ email: 'ops@example.com', status: 'active' })]);
  }, 300_000);
});
