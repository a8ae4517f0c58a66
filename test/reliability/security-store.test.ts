/**
 * Security of what dynasync keeps and says (issue 6 item 5, store and log parts): stored
 * credentials are sealed (the test reads every file of the data directory and the database row,
 * and opens the seal with the key file), the key file is private, and no password, client secret
 * or access token reaches a log line or the terminal, whether sign-in works or fails.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/logger.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import { loadConnection } from '../../src/store/connection-repo.js';
import { loadSecretBox, SecretBox, SECRET_KEY_FILE } from '../../src/store/secrets.js';
import { validateConnection } from '../../src/sync/validate.js';
import { runCli, type CliEnv, type CliResult } from './helpers/cli.js';
import { EngineHarness } from './helpers/engine.js';
import { withLeadDb } from './helpers/lead-db.js';

const unique = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const PASSWORD = unique('Pw');
const MFA_PASSWORD = unique('MfaPw');
const WRONG_PASSWORD = unique('WrongPw');
const WRONG_SECRET = unique('WrongSecret');
const APP_SECRET = 'local-secret';
const SECRETS = [PASSWORD, MFA_PASSWORD, WRONG_PASSWORD, WRONG_SECRET, APP_SECRET];

let emu: EmulatorHandle;
let dataDir: string;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: 'small', enableAdmin: true });
  const admin = createAdmin(emu.ctx);
  admin.addUser({ name: 'vault@contoso.test', password: PASSWORD, securedRead: '*' });
  admin.addUser({ name: 'mfa-vault@contoso.test', password: MFA_PASSWORD, mfaRequired: true });
  dataDir = mkdtempSync(join(tmpdir(), 'dynasync-secrets-'));
});

afterAll(async () => {
  await emu?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** Files under the data directory holding `secret` as UTF-8 or UTF-16 bytes. */
function filesContaining(secret: string): string[] {
  const needles = [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'utf16le')];
  return files(dataDir).filter((f) => {
    const bytes = readFileSync(f);
    return needles.some((n) => bytes.includes(n));
  });
}

function expectNoSecret(text: string, tokens: Iterable<string> = []): void {
  for (const s of [...SECRETS, ...tokens])
    expect(text.includes(s), `a secret (${s.slice(0, 8)}…) appears in the output`).toBe(false);
  expect(text).not.toMatch(/Bearer\s+[A-Za-z0-9._-]{20,}/);
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/); // a JWT
}

const connectArgs = (over: { username?: string; password?: string; clientSecret?: string }) => [
  'connect',
  '--url',
  emu.url,
  '--authority',
  emu.url,
  '--tenant',
  'contoso',
  '--client-id',
  'dynasync-local',
  ...(over.username ? ['--username', over.username, '--password', over.password!] : []),
  ...(over.clientSecret ? ['--client-secret', over.clientSecret] : []),
];

describe('credentials at rest', () => {
  it('are sealed in the database, nowhere in plaintext on disk, and the key file is private', async () => {
    const env: CliEnv = { dataDir, logLevel: 'trace' };
    const outputs: CliResult[] = [];
    outputs.push(await runCli(connectArgs({ username: 'vault@contoso.test', password: PASSWORD }), env));
    outputs.push(await runCli(['fields', '--defaults'], env));
    outputs.push(await runCli(['sync', '--once'], env));
    expect(filesContaining(PASSWORD)).toEqual([]);
    outputs.push(await runCli(connectArgs({ clientSecret: APP_SECRET }), env));
    expect(filesContaining(APP_SECRET)).toEqual([]);

    const keyFile = join(dataDir, SECRET_KEY_FILE);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const box = loadSecretBox({ dataDir, logger: silentLogger() });
    await withLeadDb(dataDir, async (db) => {
      const row = (await db.query<Record<string, unknown>>('SELECT * FROM connection')).rows[0]!;
      expect(String(row.secrets)).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
      expectNoSecret(JSON.stringify(row));
      // The seal opens with the key file (the secret is really kept)...
      expect((await loadConnection(db, box))!.secrets.clientSecret).toBe(APP_SECRET);
      // ...and with no other key.
      await expect(loadConnection(db, new SecretBox(randomBytes(32)))).rejects.toMatchObject({
        code: 'secret_key_mismatch',
      });
    });
    for (const o of outputs) expectNoSecret(o.stdout + o.stderr);
  }, 240_000); // four CLI processes, the first creating the database

  it('a key file others can read is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynasync-key-'));
    try {
      loadSecretBox({ dataDir: dir, logger: silentLogger() });
      const { chmodSync } = await import('node:fs');
      chmodSync(join(dir, SECRET_KEY_FILE), 0o644);
      expect(() => loadSecretBox({ dataDir: dir, logger: silentLogger() })).toThrow(/can be read by other users/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('no secret in logs', () => {
  const signIns = [
    {
      what: 'wrong password',
      opts: { username: 'vault@contoso.test', password: WRONG_PASSWORD },
      code: 'wrong_password',
    },
    { what: 'wrong client secret', opts: { username: null, clientSecret: WRONG_SECRET }, code: 'wrong_client_secret' },
    {
      what: 'MFA required',
      opts: { username: 'mfa-vault@contoso.test', password: MFA_PASSWORD },
      code: 'mfa_required',
    },
  ] as const;

  for (const s of signIns) {
    it(`a failed sign-in (${s.what}) is explained without the secret, even at trace level`, async () => {
      const h = await EngineHarness.create(emu, { ...s.opts, logLevel: 'trace' }, false);
      try {
        const report = await validateConnection(
          h.client,
          { username: s.opts.username, authKind: s.opts.username ? 'password' : 'client_credentials' },
          [],
        );
        const item = report.items.find((i) => i.id === 'credentials')!;
        expect(item.status).toBe('fail');
        await expect(h.userId()).rejects.toMatchObject({ code: s.code });
        expectNoSecret(h.logs.lines.join('\n') + JSON.stringify(report));
      } finally {
        await h.close();
      }
    });
  }

  it('a working sync at trace level, through a revoked token and a new sign-in, logs no password and no token', async () => {
    const h = await EngineHarness.create(emu, {
      username: 'vault@contoso.test',
      password: PASSWORD,
      logLevel: 'trace',
      pageSize: 500,
    });
    try {
      let revoked = false;
      const r = await h.cycle({
        onPage: (e) => {
          if (e.entity === 'contact' && e.records > 0 && !revoked) {
            revoked = true;
            createAdmin(emu.ctx).expireAccessTokens();
          }
        },
      });
      expect(r.status).toBe('success');
      expect(h.traffic.tokens.size, 'signed in twice').toBeGreaterThanOrEqual(2);
      expect(h.logs.messages('Dataverse refused the access token; signing in again')).toHaveLength(1);
      expectNoSecret(h.logs.lines.join('\n'), h.traffic.tokens);
    } finally {
      await h.close();
    }
  });

  it('the command line says why a sync cannot sign in, without the password', async () => {
    const env: CliEnv = { dataDir, logLevel: 'trace' };
    const connected = await runCli(connectArgs({ username: 'vault@contoso.test', password: WRONG_PASSWORD }), env);
    const sync = await runCli(['sync', '--once'], env, { allowFailure: true });
    expect(sync.code).not.toBe(0);
    expect(sync.stderr).toMatch(/password|credential|sign/i);
    expectNoSecret(connected.stdout + connected.stderr + sync.stdout + sync.stderr);
    expect(filesContaining(WRONG_PASSWORD)).toEqual([]);
  }, 120_000);
});
