/**
 * Admin sessions shared by two real `serve` processes on one PostgreSQL database (issue 9): a
 * sign-in on one is valid on the other, a sign-out on one ends it on both, a restart keeps it,
 * and a new DYNASYNC_ADMIN_PASSWORD signs everyone out. PostgreSQL only (PGlite admits one process).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli, type RunningCli } from '../reliability/helpers/cli.js';
import { DATABASE_URL } from '../helpers/db.js';

const PASSWORD = `sess-${randomBytes(6).toString('hex')}`;

if (!DATABASE_URL) process.stderr.write('sessions-processes: skipped, it needs PostgreSQL (set DATABASE_URL)\n');

describe.skipIf(!DATABASE_URL)('admin sessions across two serve processes (PostgreSQL)', () => {
  const dbName = `dynasync_sess_${process.pid}_${randomBytes(3).toString('hex')}`;
  let dataDir: string;
  let url: string;
  const running: RunningCli[] = [];

  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  /** Starts `serve` on a free port and resolves with its base URL. */
  async function serve(password = PASSWORD): Promise<{ base: string; proc: RunningCli }> {
    const proc = spawnCli(['serve', '--port', '0'], {
      dataDir,
      logLevel: 'warn',
      extra: { DATABASE_URL: url, DYNASYNC_ADMIN_PASSWORD: password },
    });
    running.push(proc);
    let out = '';
    proc.child.stdout!.on('data', (d: string) => (out += d));
    const end = Date.now() + 60_000;
    for (;;) {
      const m = /API and web UI: (http:\/\/\S+?)\/ /.exec(out);
      if (m) return { base: m[1]!, proc };
      if (Date.now() > end || proc.child.exitCode !== null)
        throw new Error(
          `serve did not start:\n${out}\n${(await Promise.race([proc.done, Promise.resolve(null)]))?.stderr ?? ''}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const stop = async (proc: RunningCli) => {
    proc.child.kill('SIGTERM');
    await proc.done;
  };

  async function signIn(base: string): Promise<{ cookie: string; csrf: string }> {
    const res = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    return {
      cookie: res.headers.get('set-cookie')!.split(';')[0]!,
      csrf: ((await res.json()) as { csrfToken: string }).csrfToken,
    };
  }
  const status = async (base: string, cookie: string) =>
    (await fetch(`${base}/api/status`, { headers: { cookie } })).status;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dynasync-sessions-'));
    await admin(`CREATE DATABASE ${dbName}`);
    const u = new URL(DATABASE_URL!);
    u.pathname = `/${dbName}`;
    url = u.toString();
  });
  afterAll(async () => {
    for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await Promise.all(running.map((p) => p.done.catch(() => undefined)));
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shares sign-in and sign-out, survives a restart, and ends on a new password', async () => {
    const a = await serve();
    const b = await serve();
    const s = await signIn(a.base);
    expect(await status(b.base, s.cookie), 'signed in on A, used on B').toBe(200);

    const out = await fetch(`${b.base}/api/logout`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, origin: b.base },
    });
    expect(out.status).toBe(200);
    expect(await status(a.base, s.cookie), 'signed out on B, refused on A').toBe(401);

    const kept = await signIn(b.base);
    await stop(a.proc);
    const a2 = await serve();
    expect(await status(a2.base, kept.cookie), 'after a restart of A').toBe(200);

    const changed = await serve('a different admin password');
    expect(await status(b.base, kept.cookie), 'after another process set a new password').toBe(401);
    await Promise.all([stop(a2.proc), stop(b.proc), stop(changed.proc)]);
  }, 180_000);
});
