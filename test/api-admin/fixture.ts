/**
 * A lead database filled the way production fills it: the Dataverse emulator, a stored connection,
 * the default field selection, and one real sync cycle. Optionally some emulator records are
 * corrupted first, so the cycle records real sync errors. The admin API and page tests build on it.
 */
import { randomBytes } from 'node:crypto';
import { silentLogger, type Config } from '../../src/config/index.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import type { ApiDeps, RunnerControl } from '../../src/api/deps.js';
import { saveConnection } from '../../src/store/connection-repo.js';
import { SecretBox } from '../../src/store/secrets.js';
import { runCycle } from '../../src/sync/cycle.js';
import { SyncRunner } from '../../src/sync/runner.js';
import { FIELD_ENTITIES, saveFieldSelection } from '../../src/sync/fields.js';
import { openSession } from '../../src/sync/session.js';
import { openTestDb, type TestDb } from '../helpers/db.js';
import { ADMIN_PASSWORD } from './client.js';

export const SYNC_USER = {
  username: 'sync@contoso.test',
  password: 'Passw0rd!',
  clientId: 'dynasync-local',
  tenant: 'contoso',
};

export interface SyncedFixture {
  readonly emulator: EmulatorHandle;
  readonly db: TestDb;
  readonly secretBox: SecretBox;
  /** Emulator account ids given an unknown industry option before the sync (each is one sync error). */
  readonly corruptedAccounts: readonly string[];
  /** The admin password comes from the environment (ADMIN_PASSWORD) unless `firstRun` leaves it unset. */
  deps(extra?: { runner?: RunnerControl; adminPassword?: string; firstRun?: boolean }): ApiDeps;
  /** The sales rep edits a record in Dynamics (the emulator), as the demo's simulated reps do. */
  repEdit(table: string, id: string, body: Record<string, unknown>): void;
  /** A real SyncRunner over the fixture (its first cycle starts at once); stopped by close(). */
  startRunner(intervalMs: number): Promise<SyncRunner>;
  close(): Promise<void>;
}

export function testConfig(adminPassword?: string): Config {
  return Object.freeze({
    databaseUrl: undefined,
    dataDir: '/nonexistent',
    secretKey: undefined,
    logLevel: 'silent',
    intervalSeconds: 300,
    pageSize: 5000,
    adminPassword,
    dynamics: Object.freeze({}),
  });
}

/** Connects the emulator's sync user; with `sync`, selects the default fields and runs one cycle. */
export async function openSyncedFixture(
  opts: { sync?: boolean; corruptAccounts?: number } = {},
): Promise<SyncedFixture> {
  const emulator = await startEmulator({ port: 0, seed: 'small' });
  const db = await openTestDb();
  const secretBox = new SecretBox(randomBytes(32));
  const logger = silentLogger();
  // Accounts, not contacts: a failed account is a plain sync error, whatever was synced before.
  const corruptedAccounts = emulator.ctx.data.ids('account', opts.corruptAccounts ?? 0);
  const admin = createAdmin(emulator.ctx);
  for (const id of corruptedAccounts) admin.corruptRecord('account', id, 'industrycode', 987654);
  await saveConnection(db, secretBox, {
    orgUrl: emulator.url,
    authKind: 'password',
    username: SYNC_USER.username,
    clientId: SYNC_USER.clientId,
    tenant: SYNC_USER.tenant,
    authority: emulator.url,
    secrets: { password: SYNC_USER.password },
  });
  if (opts.sync !== false) {
    const session = await openSession(db, secretBox, logger, 5000);
    const userId = await session.userId();
    for (const entity of FIELD_ENTITIES)
      await saveFieldSelection(db, session.source, userId, { entity, defaults: true });
    await runCycle({ db, source: session.source, logger, userId }, 'once');
  }
  const runners: SyncRunner[] = [];
  return {
    emulator,
    db,
    secretBox,
    corruptedAccounts,
    repEdit: (table, id, body) => {
      const userId = emulator.ctx.identity.userIdByName('rep@contoso.test')!;
      emulator.ctx.data.update(
        { userId, name: 'rep@contoso.test', kind: 'user', appId: SYNC_USER.clientId },
        table,
        id,
        body,
      );
    },
    startRunner: async (intervalMs) => {
      const session = await openSession(db, secretBox, logger, 5000);
      const runner = new SyncRunner(
        { db, source: session.source, logger, userId: await session.userId() },
        { intervalMs },
        logger,
      );
      runners.push(runner);
      void runner.start();
      return runner;
    },
    deps: (extra = {}) => ({
      config: testConfig(extra.firstRun ? undefined : (extra.adminPassword ?? ADMIN_PASSWORD)),
      logger,
      db,
      secretBox,
      ...(extra.runner ? { runner: extra.runner } : {}),
    }),
    close: async () => {
      await Promise.all(runners.map((r) => r.stop()));
      await db.dispose();
      await emulator.close();
    },
  };
}

/** A migrated, empty lead database and deps over it: no connection, no emulator; the admin password as in deps(). */
export async function openEmptyDeps(
  opts: { adminPassword?: string; firstRun?: boolean } = {},
): Promise<{ deps: ApiDeps; db: TestDb }> {
  const db = await openTestDb();
  const deps: ApiDeps = {
    config: testConfig(opts.firstRun ? undefined : (opts.adminPassword ?? ADMIN_PASSWORD)),
    logger: silentLogger(),
    db,
    secretBox: new SecretBox(randomBytes(32)),
  };
  return { deps, db };
}
