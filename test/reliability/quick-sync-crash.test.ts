/**
 * Quick sync crash safety (issue 11): the real CLI fills two newly selected contact columns by a
 * quick sync and is killed with SIGKILL in the middle of it, twice; each restart resumes from the
 * last committed page (its progress is a checkpoint committed with each page), reads only what is
 * left, and in the end every contact holds Dynamics' values with no Change Data Value logged.
 * Small seed (2,000 contacts, 100-row pages: 20 quick-sync pages), PGlite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ActivityType } from '../../src/domain/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import { listQuickSyncs } from '../../src/store/quick-sync.js';
import { emulatorRows } from '../sync/world.js';
import { connectAndSelectDefaults, runCli, type CliEnv } from './helpers/cli.js';
import { runUntilKilled } from './helpers/killer.js';
import { withLeadDb } from './helpers/lead-db.js';

const PAGE = 100;

it('a quick sync killed mid-way resumes from its last committed page and ends with every value, no Change Data Value', async () => {
  const emu = await startEmulator({ port: 0, seed: 'small', enableAdmin: true });
  const admin = createAdmin(emu.ctx);
  admin.setLimits({ requests: 10_000_000, executionMs: 10_000_000 });
  const dataDir = mkdtempSync(join(tmpdir(), 'dynasync-quick-crash-'));
  const env: CliEnv = { dataDir, pageSize: PAGE, logLevel: 'warn' };
  try {
    await connectAndSelectDefaults(emu.url, env);
    await runCli(['sync', '--once'], env);
    await runCli(['fields', '--entity', 'contact', '--add', 'department,gendercode'], env);
    const contacts = await emulatorRows({ emu }, 'contacts', ['contactid', 'department']);
    const pages = Math.ceil(contacts.length / PAGE);
    const gets = () => admin.requestCount('contacts', 'GET');

    const progress: number[] = [];
    // The cycle's delta is the first contacts request; quick-sync pages follow.
    for (const nth of [4, 11]) {
      const o = await runUntilKilled(
        ['sync', '--once'],
        env,
        { kind: 'page', resource: 'contacts', nth, jitterMs: 20 },
        (r) => (r === 'contacts' ? gets() : 0),
        ['contacts'],
      );
      expect(o.killed, `killed at contacts request ${nth}`).toBe(true);
      const [q] = await withLeadDb(dataDir, (db) => listQuickSyncs(db));
      expect(q).toMatchObject({ state: 'running', rowsTotal: contacts.length });
      progress.push(q!.rowsDone);
    }
    expect(progress[0]).toBeGreaterThan(0);
    expect(progress[1]).toBeGreaterThan(progress[0]!);
    expect(progress[1]).toBeLessThan(contacts.length);

    const before = gets();
    const last = await runCli(['sync', '--once'], env);
    expect(last.stdout).toMatch(/quick sync #1 contact: department, gendercode {2}done/);
    const left = pages - progress[1]! / PAGE;
    // The delta, the pages left, and at most the page in flight when killed (read again).
    expect(gets() - before, 'resumed, not restarted').toBeLessThanOrEqual(1 + left + 1);

    await withLeadDb(dataDir, async (db) => {
      const [q] = await listQuickSyncs(db);
      expect(q).toMatchObject({ state: 'done', rowsTotal: contacts.length });
      const stored = await db.query<{ dynamics_id: string; d: string | null; has: boolean }>(
        `SELECT dynamics_id, fields->>'department' AS d, fields ? 'gendercode' AS has FROM persons
         WHERE dynamics_type = 'Contact'`,
      );
      const byId = new Map(stored.rows.map((r) => [r.dynamics_id, r]));
      for (const c of contacts) {
        const p = byId.get(c.contactid as string);
        expect(p?.has, String(c.contactid)).toBe(true);
        expect(p?.d ?? null).toBe(c.department ?? null);
      }
      const cdv = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM activities WHERE type_id = $1 AND attributes->>'field' IN ('department', 'gendercode')`,
        [ActivityType.ChangeDataValue],
      );
      expect(cdv.rows[0]!.n, 'filled values are not changes').toBe(0);
    });
  } finally {
    await emu.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 600_000);
