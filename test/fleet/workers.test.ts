/**
 * Issue 13 §2 and §4 (proof): 3 `dynasync worker` processes share 20 organizations (each its own
 * emulator) while sales reps edit and workers are killed with kill -9 at random and replaced.
 * Every organization converges to its Dynamics data, no activity is logged twice, every
 * organization keeps exactly one job (none lost), every one had cycles (none starved), and SIGTERM
 * stops each worker cleanly. Quick by default (20 s of kills); FLEET_SECONDS=120 (or
 * RELIABILITY_MODE=full) is the 2-minute run; FLEET_ORGS changes the count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/index.js';
import { DataverseWriter } from '../../src/dataverse/index.js';
import { DEFAULT_APP_ID, DEFAULT_PASSWORD, startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { saveConnection } from '../../src/store/connection-repo.js';
import { openDb } from '../../src/store/db/index.js';
import type { Db } from '../../src/store/db/types.js';
import {
  ensureRegistry,
  insertOrg,
  openFleetDb,
  listOrgStates,
  BOSS_SCHEMA,
  CYCLE_QUEUE,
} from '../../src/store/fleet/index.js';
import { loadSecretBox } from '../../src/store/secrets.js';
import { CYCLE_ORDER } from '../../src/domain/index.js';
import { saveFieldSelection } from '../../src/sync/fields.js';
import { openSession } from '../../src/sync/session.js';
import { DATABASE_URL } from '../helpers/db.js';
import { spawnCli, type CliEnv, type RunningCli } from '../reliability/helpers/cli.js';
import { compareWithEmulator, describeMismatches } from '../reliability/helpers/compare.js';
import { auditActivities, readSnapshot } from '../reliability/helpers/lead-db.js';
import { envInt, FULL } from '../reliability/helpers/mode.js';
import { createScratchDatabase, type ScratchDatabase } from '../reliability/helpers/scratch-pg.js';
import { WebApi } from '../reliability/helpers/web-api.js';

const ORGS = envInt('FLEET_ORGS', 20);
const SECONDS = envInt('FLEET_SECONDS', FULL ? 120 : 20);
const WORKERS = 3;

interface Org {
  readonly name: string;
  readonly emu: EmulatorHandle;
  readonly db: Db;
  readonly rep: DataverseWriter;
  readonly contacts: string[];
}

describe.runIf(DATABASE_URL)('3 workers, many organizations, kill -9 while reps edit (PostgreSQL)', () => {
  let scratch: ScratchDatabase;
  let dataDir: string;
  let env: CliEnv;
  const orgs: Org[] = [];
  const workers: RunningCli[] = [];

  const startWorker = () => {
    const w = spawnCli(
      ['worker', '--concurrency', '2', '--lease', '5', '--maintenance', '1', '--schedule-every', '1', '--poll', '0.5'],
      env,
    );
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase(DATABASE_URL!);
    dataDir = mkdtempSync(join(tmpdir(), 'dynasync-fleet-'));
    env = { dataDir, logLevel: 'warn', extra: { DATABASE_URL: scratch.url } };
    const logger = silentLogger();
    const box = loadSecretBox({ dataDir, logger });
    const fleet = openFleetDb(scratch.url, logger);
    try {
      await ensureRegistry(fleet, 2);
      for (let i = 0; i < ORGS; i++) {
        const name = `org-${i}`;
        const emu = await startEmulator({ port: 0, seed: 2 });
        const db = await openDb({ databaseUrl: scratch.url, schema: `org_org_${i}`, logger, maxConnections: 2 });
        await saveConnection(db, box, {
          orgUrl: emu.url,
          authKind: 'password',
          username: 'sync@contoso.test',
          clientId: DEFAULT_APP_ID,
          tenant: 'contoso',
          authority: emu.url,
          secrets: { password: DEFAULT_PASSWORD },
        });
        const session = await openSession(db, box, logger, 5000);
        const userId = await session.userId();
        for (const entity of CYCLE_ORDER)
          await saveFieldSelection(db, session.source, userId, { entity, defaults: true });
        await insertOrg(fleet, name, 2);
        const rep = new DataverseWriter({
          settings: {
            orgUrl: emu.url,
            authKind: 'password',
            username: 'rep@contoso.test',
            password: DEFAULT_PASSWORD,
            clientId: DEFAULT_APP_ID,
            tenant: 'contoso',
          },
          logger,
        });
        const rows = await new WebApi(emu).readAll('contacts', ['contactid']);
        orgs.push({ name, emu, db, rep, contacts: rows.map((r) => String(r.contactid)) });
      }
    } finally {
      await fleet.close();
    }
  }, 300_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.done));
    for (const o of orgs) {
      await o.db.close();
      await o.emu.close();
    }
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('every organization converges; no duplicate activity, no job lost, none starved; SIGTERM stops cleanly', async () => {
    let alive = Array.from({ length: WORKERS }, startWorker);
    let kills = 0;
    let edits = 0;
    let random = 7;
    const next = (n: number) => ((random = (random * 1_103_515_245 + 12_345) % 2 ** 31), random % n);
    const end = Date.now() + SECONDS * 1000;
    const reps = (async () => {
      while (Date.now() < end) {
        const org = orgs[next(orgs.length)]!;
        const id = org.contacts[next(org.contacts.length)]!;
        await org.rep.update('contacts', id, { jobtitle: `Title ${edits++}` });
        await sleep(100);
      }
    })();
    while (Date.now() < end) {
      await sleep(2000 + next(3000));
      const victim = alive[next(alive.length)]!;
      victim.child.kill('SIGKILL');
      await victim.done;
      kills++;
      alive = [...alive.filter((w) => w !== victim), startWorker()];
    }
    await reps;
    const editsDone = new Date();

    // Converged: each organization's lead database equals its Dynamics, after a cycle that began
    // once the edits had stopped (taken-over jobs included: leases are 5 s).
    const fleet = openFleetDb(scratch.url, silentLogger());
    try {
      const deadline = Date.now() + 180_000;
      for (;;) {
        const states = await listOrgStates(fleet, 60_000);
        const fresh = states.filter(
          (s) => s.endedAt && s.startedAt && s.startedAt > editsDone && s.status === 'success',
        );
        if (fresh.length === orgs.length) break;
        if (Date.now() > deadline)
          throw new Error(`not converged: ${JSON.stringify(states.filter((s) => !fresh.includes(s)).slice(0, 5))}`);
        await sleep(500);
      }
      for (const org of orgs) {
        const cmp = await compareWithEmulator(new WebApi(org.emu), await readSnapshot(org.db));
        expect(cmp.mismatches, `${org.name}: ${describeMismatches(cmp.mismatches)}`).toEqual([]);
        const audit = await auditActivities(org.db);
        expect(audit.personsWithoutOneNewLead, org.name).toBe(0);
        expect(audit.orphans, org.name).toBe(0);
        expect(
          [...audit.cdv.values()].filter((n) => n > 1),
          `${org.name}: a Change Data Value logged twice`,
        ).toEqual([]);
      }
      // No job lost: every organization has exactly one job waiting or running. None starved.
      const jobs = await fleet.query<{ org: string; n: number }>(
        `SELECT singleton_key AS org, count(*)::int AS n FROM ${BOSS_SCHEMA}.job
         WHERE name = $1 AND state IN ('created', 'retry', 'active') GROUP BY 1`,
        [CYCLE_QUEUE],
      );
      const perOrg = new Map(jobs.rows.map((r) => [r.org, r.n]));
      for (const org of orgs) expect(perOrg.get(org.name) ?? 0, org.name).toBeGreaterThanOrEqual(1);
      for (const n of perOrg.values()) expect(n).toBeLessThanOrEqual(2); // stately: one waiting, one running
      for (const s of await listOrgStates(fleet, 60_000)) expect(s.jobs, s.name).toBeGreaterThanOrEqual(2);
    } finally {
      await fleet.close();
    }
    expect(kills).toBeGreaterThanOrEqual(Math.min(3, Math.floor(SECONDS / 5)));
    expect(edits).toBeGreaterThan(10);

    // SIGTERM: each worker finishes its page, hands back, and exits 0.
    for (const w of alive) w.child.kill('SIGTERM');
    const results = await Promise.all(alive.map((w) => w.done));
    for (const r of results) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/stopped/);
    }
  }, 600_000);
});
