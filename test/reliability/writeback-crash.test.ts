/**
 * Issue 10 §6: kill -9 at random points while local person changes and Sync Person to Microsoft
 * pushes drain to Dynamics (`dynasync sync --once`, which drains the outbox before its reads).
 * Kill points are the n-th `$batch` the sender sends, plus a jitter (inside a request, between the
 * answer and the confirmation's commit...), and moments of start-up. Afterwards: every change is in
 * Dynamics, each push made exactly one lead or contact (the chosen key), no account or user was
 * written, the outbox is empty with no error, and the lead database equals Dynamics.
 * Quick mode (npm test): small seed, 600 changes, 60 pushes, 4 kills; full mode
 * (npm run test:reliability): medium seed, 10,000 changes, 1,000 pushes, at least 20 kills.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import { startEmulator } from '../../src/emulator/index.js';
import { outboxCounts } from '../../src/store/outbox.js';
import { createLocalPerson, queuePush, setPersonFieldsLocally } from '../../src/store/records/index.js';
import { connectAndSelectDefaults, runCli, type CliEnv } from './helpers/cli.js';
import { compareWithEmulator, describeMismatches } from './helpers/compare.js';
import { describePoint, PageBudget, runUntilKilled, type KillOutcome } from './helpers/killer.js';
import { readSnapshot, readSyncErrors, withLeadDb } from './helpers/lead-db.js';
import { envInt, FULL, RELIABILITY_SEED } from './helpers/mode.js';
import { Prng } from './helpers/prng.js';
import { recordFigures } from './helpers/report.js';
import { WebApi } from './helpers/web-api.js';

const CFG = FULL
  ? { seed: 'medium' as const, changes: 10_000, pushes: 1_000, kills: envInt('WRITEBACK_KILLS', 20) }
  : { seed: 'small' as const, changes: 600, pushes: 60, kills: envInt('WRITEBACK_KILLS', 4) };
const SYNC = ['sync', '--once'];
const BATCH = '$batch';

async function writebackScenario(): Promise<void> {
  const emu = await startEmulator({ port: 0, seed: CFG.seed, enableAdmin: true });
  const admin = createAdmin(emu.ctx);
  admin.setLimits({ requests: 10_000_000, executionMs: 10_000_000 }); // throttling is faults.test.ts's subject
  const dataDir = mkdtempSync(join(tmpdir(), 'dynasync-writeback-crash-'));
  try {
    const env: CliEnv = { dataDir, logLevel: 'warn' };
    const rng = new Prng(RELIABILITY_SEED);
    await connectAndSelectDefaults(emu.url, env);
    await runCli(SYNC, env); // the initial sync, not under test here
    const planned = await withLeadDb(dataDir, (db) => localWork(db, rng));
    admin.resetRequestCounts();

    const outcomes: KillOutcome[] = [];
    const batches = Math.ceil((CFG.changes + CFG.pushes) / 100) + 1;
    const budget = new PageBudget([[BATCH, batches]]);
    const pages = (r: string) => admin.requestCount(r, 'POST');
    for (let tries = 0; outcomes.filter((o) => o.killed).length < CFG.kills && tries < CFG.kills * 4; tries++) {
      const o = await runUntilKilled(
        SYNC,
        env,
        budget.pick(rng, Math.max(1, Math.ceil(batches / CFG.kills)), 0.15, 120),
        pages,
        [BATCH],
      );
      budget.observe(o);
      outcomes.push(o);
      if (!o.killed && o.result.code !== 0) throw new Error(`sync failed after a restart:\n${o.result.stderr}`);
      if (!o.killed) break; // everything was sent: no later point to kill at
    }
    await runCli(SYNC, env); // the restart that finishes, then one more cycle reading the echoes
    await runCli(SYNC, env);
    await judge(emu.url, dataDir, planned, outcomes, admin.requestCountsByUser()['sync@contoso.test'] ?? {});
  } finally {
    await emu.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Planned {
  /** Dynamics id -> the title marketing set. */
  readonly titles: Map<string, string>;
  /** Email of each pushed person -> the table it was pushed to. */
  readonly pushed: Map<string, 'lead' | 'contact'>;
}

type LocalDb = Parameters<typeof setPersonFieldsLocally>[0];

/** Marketing's work while no dynasync runs: field changes of synced people, new people pushed. */
async function localWork(db: LocalDb, rng: Prng): Promise<Planned> {
  const people = await db.query<{ id: string; dynamics_id: string }>(
    `SELECT id::text, dynamics_id FROM persons WHERE dynamics_id IS NOT NULL AND NOT dynamics_deleted ORDER BY id LIMIT $1`,
    [CFG.changes],
  );
  const titles = new Map<string, string>();
  for (const p of people.rows) {
    const title = `Crash title ${rng.int(0, 1e6)}`;
    await setPersonFieldsLocally(db, { personId: Number(p.id), values: { title }, reason: 'reliability' });
    titles.set(p.dynamics_id, title);
  }
  const pushed = new Map<string, 'lead' | 'contact'>();
  for (let i = 0; i < CFG.pushes; i++) {
    const email = `pushed${i}@crash.test`;
    const as = rng.next() < 0.7 ? 'lead' : 'contact';
    const id = await db.transaction((tx) =>
      createLocalPerson(tx, {
        email,
        fields: { firstName: 'Pushed', lastName: `Person ${i}` },
        sourceType: 'reliability',
      }),
    );
    const r = await queuePush(db, { personId: id, syncAs: as, ownerEmail: null, source: 'reliability' });
    expect(r.status).toBe('queued');
    pushed.set(email, as);
  }
  return { titles, pushed };
}

async function judge(
  url: string,
  dataDir: string,
  planned: Planned,
  outcomes: readonly KillOutcome[],
  syncWrites: Record<string, Record<string, number>>,
): Promise<void> {
  const api = new WebApi({ url, tokenEndpoint: `${url}/contoso/oauth2/v2.0/token` }, 'rep@contoso.test');
  const rows = [
    ...(await api.readAll('contacts', ['contactid', 'jobtitle', 'emailaddress1'])),
    ...(await api.readAll('leads', ['leadid', 'jobtitle', 'emailaddress1'])),
  ];
  const byId = new Map(rows.map((r) => [String(r.contactid ?? r.leadid).toLowerCase(), r]));
  const wrongTitles = [...planned.titles].filter(([id, title]) => byId.get(id)?.jobtitle !== title);
  const copies = new Map<string, number>();
  for (const r of rows)
    if (typeof r.emailaddress1 === 'string' && planned.pushed.has(r.emailaddress1))
      copies.set(r.emailaddress1, (copies.get(r.emailaddress1) ?? 0) + 1);
  const notExactlyOnce = [...planned.pushed.keys()].filter((e) => copies.get(e) !== 1);
  const verdict = await withLeadDb(dataDir, async (db) => ({
    comparison: await compareWithEmulator(api, await readSnapshot(db)),
    outbox: await outboxCounts(db),
    errors: await readSyncErrors(db),
  }));
  const accountOrUserWrites = ['accounts', 'systemusers'].reduce(
    (a, s) => a + (syncWrites[s]?.POST ?? 0) + (syncWrites[s]?.PATCH ?? 0),
    0,
  );
  const killed = outcomes.filter((o) => o.killed);
  recordFigures('writeback-crash', {
    seed: CFG.seed,
    prngSeed: RELIABILITY_SEED,
    changes: planned.titles.size,
    pushes: planned.pushed.size,
    killsSurvived: killed.length,
    killsAtStartup: killed.filter((o) => o.point.kind === 'startup').length,
    killPoints: killed.map((o) => describePoint(o.point)),
    batchesSent: syncWrites[BATCH]?.POST ?? 0,
    changesMissingInDynamics: wrongTitles.length,
    pushesNotExactlyOnce: notExactlyOnce.length,
    accountOrUserWrites,
    recordsCompared: verdict.comparison.records,
    recordsLostOrWrong: verdict.comparison.mismatches.length,
    outbox: verdict.outbox,
    syncErrors: verdict.errors.length,
  });
  expect(killed.length).toBeGreaterThanOrEqual(CFG.kills);
  expect(wrongTitles.slice(0, 5), `${wrongTitles.length} changes not in Dynamics`).toEqual([]);
  expect(notExactlyOnce.slice(0, 5), `${notExactlyOnce.length} pushes not made exactly once`).toEqual([]);
  expect(accountOrUserWrites).toBe(0);
  expect(verdict.outbox).toEqual({ pending: 0, failed: 0 });
  expect(verdict.errors).toEqual([]);
  expect(verdict.comparison.mismatches, describeMismatches(verdict.comparison.mismatches)).toEqual([]);
}

describe(`writeback crash safety: kill -9 while ${CFG.changes} changes and ${CFG.pushes} pushes drain (${CFG.seed} seed, pglite)`, () => {
  it(
    'every change once in Dynamics, every push exactly one record, nothing else written',
    () => writebackScenario(),
    FULL ? 3_600_000 : 240_000,
  );
});
