/**
 * Crash safety (issue 6 item 1): the real CLI syncs the emulator and is killed with SIGKILL at
 * seeded random points of the initial sync and of incremental syncs of rep edits; each kill is
 * followed by a restart. In the end the lead database must equal Dynamics record by record and
 * field by field, every person must have exactly one New Lead, and the Change Data Values must be
 * exactly those the edits call for: none missing, none duplicated.
 *
 * Quick (npm test): small seed, 5 kills, PGlite. Full (npm run test:reliability): medium seed, 24
 * kills, on PGlite and, when DATABASE_URL is set, again on a scratch PostgreSQL database.
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
import { describePoint, PageBudget, runUntilKilled, type KillOutcome } from './helpers/killer.js';
import { auditActivities, readSnapshot, readSyncErrors, withLeadDb, type LeadLocation } from './helpers/lead-db.js';
import { envInt, FULL, RELIABILITY_SEED } from './helpers/mode.js';
import { Prng } from './helpers/prng.js';
import { recordFigures } from './helpers/report.js';
import { EditLedger, writeBatch, type BatchSizes } from './helpers/rep-edits.js';
import { createScratchDatabase, type ScratchDatabase } from './helpers/scratch-pg.js';
import { WebApi } from './helpers/web-api.js';

const CFG = FULL
  ? {
      seed: 'medium' as const,
      pageSize: 500,
      initialKills: envInt('CRASH_INITIAL_KILLS', 12),
      batches: 4,
      killsPerBatch: 3,
      sizes: {
        updateAccounts: 40,
        deleteAccounts: 3,
        updateContacts: 600,
        createContacts: 300,
        deleteContacts: 150,
        moveContacts: 150,
      },
    }
  : {
      seed: 'small' as const,
      pageSize: 40,
      initialKills: envInt('CRASH_INITIAL_KILLS', 3),
      batches: 1,
      killsPerBatch: 2,
      sizes: {
        updateAccounts: 8,
        deleteAccounts: 2,
        updateContacts: 60,
        createContacts: 30,
        deleteContacts: 20,
        moveContacts: 20,
      },
    };
const RESOURCES = ['systemusers', 'accounts', 'contacts', 'leads'] as const;
const SYNC = ['sync', '--once'];
/** PostgreSQL too in full mode (or with RELIABILITY_POSTGRES=1) when DATABASE_URL is set. */
const BACKENDS =
  (FULL || process.env.RELIABILITY_POSTGRES === '1') && DATABASE_URL
    ? (['pglite', 'postgres'] as const)
    : (['pglite'] as const);

async function crashScenario(backend: (typeof BACKENDS)[number]): Promise<void> {
  const emu = await startEmulator({ port: 0, seed: CFG.seed, enableAdmin: true });
  const admin = createAdmin(emu.ctx);
  // Not under test here (see faults.test.ts): keep rep edits and verification reads from being throttled.
  admin.setLimits({ requests: 10_000_000, executionMs: 10_000_000 });
  const dataDir = mkdtempSync(join(tmpdir(), 'dynasync-crash-'));
  let scratch: ScratchDatabase | undefined;
  try {
    scratch = backend === 'postgres' ? await createScratchDatabase(DATABASE_URL!) : undefined;
    const env: CliEnv = {
      dataDir,
      pageSize: CFG.pageSize,
      logLevel: 'warn',
      ...(scratch ? { extra: { DATABASE_URL: scratch.url } } : {}),
    };
    const lead: LeadLocation = scratch ? { databaseUrl: scratch.url } : dataDir;
    const rng = new Prng(RELIABILITY_SEED);
    const rep = new WebApi(emu, 'rep@contoso.test');
    const ledger = new EditLedger();
    const outcomes: (KillOutcome & { phase: string })[] = [];
    const pages = (r: string) => admin.requestCount(r, 'GET');
    const pagesFor = (n: number) => Math.max(1, Math.ceil(n / CFG.pageSize));

    await connectAndSelectDefaults(emu.url, env);

    const killPhase = async (phase: string, budget: PageBudget, kills: number, spread: number) => {
      let landed = 0;
      for (let tries = 0; landed < kills && tries < kills * 4; tries++) {
        const o = await runUntilKilled(SYNC, env, budget.pick(rng, spread, 0.15, FULL ? 250 : 80), pages, RESOURCES);
        budget.observe(o);
        if (!o.killed && o.result.code !== 0)
          throw new Error(`sync failed after a restart (${phase}):\n${o.result.stderr}`);
        if (o.killed) landed++;
        outcomes.push({ ...o, phase });
      }
      await runCli(SYNC, env); // and the restart that finishes the phase
    };

    const initial = new PageBudget([
      ['systemusers', 1],
      ['accounts', pagesFor(emu.ctx.data.count('account'))],
      ['contacts', pagesFor(emu.ctx.data.count('contact'))],
    ]);
    await killPhase('initial', initial, CFG.initialKills, Math.ceil((initial.total / CFG.initialKills) * 2));

    for (let b = 0; b < CFG.batches; b++) {
      const before = ledger.writes;
      const sizes: BatchSizes = { ...CFG.sizes, includeLargest: b === 0 };
      await writeBatch(rep, rng, b, sizes, ledger);
      const contactChanges = ledger.writes - before; // generous: cascades add a few more
      const budget = new PageBudget([
        ['systemusers', 1],
        ['accounts', pagesFor(CFG.sizes.updateAccounts + 5)],
        ['contacts', pagesFor(contactChanges)],
      ]);
      await killPhase(`incremental ${b + 1}`, budget, CFG.killsPerBatch, budget.total);
    }

    await judge(backend, lead, rep, ledger, outcomes);
  } finally {
    await emu.close();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The lead database against Dynamics and the rep's ledger, with the figures of the run. */
async function judge(
  backend: string,
  lead: LeadLocation,
  rep: WebApi,
  ledger: EditLedger,
  outcomes: readonly (KillOutcome & { phase: string })[],
): Promise<void> {
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
  const missing: string[] = [];
  const duplicated: string[] = [];
  for (const [k, n] of expected) if ((verdict.audit.cdv.get(k) ?? 0) < n) missing.push(k);
  for (const [k, n] of verdict.audit.cdv) if (n > (expected.get(k) ?? 0)) duplicated.push(`${k} ×${n}`);
  const killed = outcomes.filter((o) => o.killed);

  recordFigures(`crash-${backend}`, {
    backend,
    seed: CFG.seed,
    pageSize: CFG.pageSize,
    prngSeed: RELIABILITY_SEED,
    killsSurvived: killed.length,
    killsAtStartup: killed.filter((o) => o.point.kind === 'startup').length,
    killsInInitialSync: killed.filter((o) => o.phase === 'initial').length,
    killsInIncrementalSyncs: killed.filter((o) => o.phase !== 'initial').length,
    runsThatFinishedBeforeTheirKillPoint: outcomes.length - killed.length,
    killPoints: killed.map((o) => `${o.phase}: ${describePoint(o.point)}`),
    repWrites: ledger.counts,
    recordsCompared: verdict.comparison.records,
    fieldsCompared: verdict.comparison.fieldsCompared,
    deletedRecordsChecked: verdict.comparison.deletedChecked,
    recordsLostOrWrong: verdict.comparison.mismatches.length,
    newLeads: verdict.audit.newLeads,
    changeDataValues: verdict.audit.cdvTotal,
    cdvMissing: missing.length,
    cdvDuplicated: duplicated.length,
    syncErrors: verdict.errors.length,
  });

  expect(killed.length).toBeGreaterThanOrEqual(CFG.initialKills + CFG.batches * CFG.killsPerBatch);
  expect(verdict.comparison.mismatches, describeMismatches(verdict.comparison.mismatches)).toEqual([]);
  expect(verdict.comparison.records).toBeGreaterThan(0);
  expect(verdict.audit.personsWithoutOneNewLead).toBe(0);
  expect(verdict.audit.orphans).toBe(0);
  expect(missing.slice(0, 10), `${missing.length} Change Data Values missing`).toEqual([]);
  expect(duplicated.slice(0, 10), `${duplicated.length} Change Data Values duplicated or unexpected`).toEqual([]);
  expect(verdict.errors).toEqual([]);
}

for (const backend of BACKENDS) {
  describe(`crash safety: kill -9 during the initial and incremental syncs (${CFG.seed} seed, ${backend})`, () => {
    it('loses and duplicates nothing', () => crashScenario(backend), FULL ? 3_600_000 : 240_000);
  });
}
