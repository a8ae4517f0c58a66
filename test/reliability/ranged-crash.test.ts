/**
 * Issue 12 §4 crash safety: the real CLI reads the contacts in primary-key ranges (4 ranges, small
 * seed, 40-row pages) and is killed with SIGKILL during the id-only tracked read and again and
 * again during the ranges, then during an incremental sync of rep edits. Each restart resumes the
 * ranges from their cursors. In the end the lead database equals Dynamics record by record, every
 * person has exactly one New Lead, and the Change Data Values are exactly those the edits call for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import { DATABASE_URL } from '../helpers/db.js';
import { connectAndSelectDefaults, runCli, type CliEnv } from './helpers/cli.js';
import { compareWithEmulator, describeMismatches } from './helpers/compare.js';
import { runUntilKilled, type KillPoint } from './helpers/killer.js';
import { auditActivities, readSnapshot, readSyncErrors, withLeadDb, type LeadLocation } from './helpers/lead-db.js';
import { RELIABILITY_SEED } from './helpers/mode.js';
import { Prng } from './helpers/prng.js';
import { EditLedger, writeBatch } from './helpers/rep-edits.js';
import { createScratchDatabase, type ScratchDatabase } from './helpers/scratch-pg.js';
import { WebApi } from './helpers/web-api.js';

const PAGE = 40;
const RESOURCES = ['systemusers', 'accounts', 'contacts', 'leads'] as const;
const SYNC = ['sync', '--once'];
const BACKENDS = DATABASE_URL ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

async function scenario(backend: (typeof BACKENDS)[number]): Promise<void> {
  const emu = await startEmulator({ port: 0, seed: 'small', enableAdmin: true });
  const admin = createAdmin(emu.ctx);
  admin.setLimits({ requests: 10_000_000, executionMs: 10_000_000 });
  const dataDir = mkdtempSync(join(tmpdir(), 'dynasync-ranged-crash-'));
  let scratch: ScratchDatabase | undefined;
  try {
    scratch = backend === 'postgres' ? await createScratchDatabase(DATABASE_URL!) : undefined;
    const env: CliEnv = {
      dataDir,
      pageSize: PAGE,
      logLevel: 'warn',
      extra: {
        DYNASYNC_READ_RANGES: '4',
        DYNASYNC_RANGE_MIN_ROWS: '500',
        ...(scratch ? { DATABASE_URL: scratch.url } : {}),
      },
    };
    const lead: LeadLocation = scratch ? { databaseUrl: scratch.url } : dataDir;
    const pages = (r: string) => admin.requestCount(r, 'GET');
    await connectAndSelectDefaults(emu.url, env);
    const contactPages = Math.ceil(emu.ctx.data.count('contact') / PAGE);

    // Kill points in contact page requests of each run: inside the id read (its pages come first),
    // then inside the ranges, three times.
    const at = (nth: number, jitterMs: number): KillPoint => ({ kind: 'page', resource: 'contacts', nth, jitterMs });
    const points = [at(Math.floor(contactPages / 2), 5), at(contactPages + 20, 0), at(14, 30), at(12, 60)];
    let killed = 0;
    const progress: number[] = [];
    for (const point of points) {
      const o = await runUntilKilled(SYNC, env, point, pages, RESOURCES);
      if (!o.killed && o.result.code !== 0) throw new Error(`sync failed after a restart:\n${o.result.stderr}`);
      if (o.killed) killed++;
      progress.push(
        await withLeadDb(lead, async (db) => {
          const r = await db.query<{ n: number }>('SELECT coalesce(sum(rows_read), 0)::int AS n FROM range_cursors');
          return r.rows[0]!.n;
        }),
      );
    }
    await runCli(SYNC, env);
    expect(killed).toBeGreaterThanOrEqual(3);
    // The ranges' rows read survive each kill after the first in the ranges, and only grow.
    expect(progress.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
    const grown = progress.filter((n) => n > 0);
    expect([...grown].sort((a, b) => a - b)).toEqual(grown);
    expect(await withLeadDb(lead, async (db) => (await db.query('SELECT * FROM range_cursors')).rows)).toEqual([]);

    // Rep edits, then an incremental sync killed twice.
    const rep = new WebApi(emu, 'rep@contoso.test');
    const ledger = new EditLedger();
    const rng = new Prng(RELIABILITY_SEED);
    await writeBatch(
      rep,
      rng,
      0,
      {
        updateAccounts: 5,
        deleteAccounts: 1,
        updateContacts: 60,
        createContacts: 20,
        deleteContacts: 10,
        moveContacts: 10,
        includeLargest: false,
      },
      ledger,
    );
    for (const point of [at(1, 10), at(1, 40)]) await runUntilKilled(SYNC, env, point, pages, RESOURCES);
    await runCli(SYNC, env);

    const verdict = await withLeadDb(lead, async (db) => {
      const snap = await readSnapshot(db);
      return {
        snap,
        comparison: await compareWithEmulator(rep, snap),
        audit: await auditActivities(db),
        errors: await readSyncErrors(db),
      };
    });
    const expected = ledger.expectedCdvs(verdict.snap);
    const missing = [...expected].filter(([k, n]) => (verdict.audit.cdv.get(k) ?? 0) < n).map(([k]) => k);
    const extra = [...verdict.audit.cdv].filter(([k, n]) => n > (expected.get(k) ?? 0)).map(([k, n]) => `${k} ×${n}`);
    expect(verdict.comparison.mismatches, describeMismatches(verdict.comparison.mismatches)).toEqual([]);
    expect(verdict.comparison.records).toBeGreaterThan(2000);
    expect(verdict.audit.personsWithoutOneNewLead).toBe(0);
    expect(verdict.audit.orphans).toBe(0);
    expect(missing.slice(0, 10), `${missing.length} Change Data Values missing`).toEqual([]);
    expect(extra.slice(0, 10), `${extra.length} Change Data Values duplicated or unexpected`).toEqual([]);
    expect(verdict.errors).toEqual([]);
  } finally {
    await emu.close();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

for (const backend of BACKENDS) {
  describe(`crash safety of a ranged full read: kill -9 during the id read and the ranges (${backend})`, () => {
    it('resumes each range and loses or duplicates nothing', () => scenario(backend), 900_000);
  });
}
