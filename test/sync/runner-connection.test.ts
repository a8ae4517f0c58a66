/**
 * Issue 9, §1 "a changed connection is not used by a running runner": a connection saved while the
 * runner cycles applies from the next cycle, and a refused sign-in shows at once in status and
 * /metrics as sign_in_failed (with Entra's AADSTS message), not as an old success or "unknown".
 */
import { expect, it } from 'vitest';
import { SyncMetrics } from '../../src/api/ops/metrics.js';
import { silentLogger } from '../../src/config/logger.js';
import { DEFAULT_APP_ID, DEFAULT_PASSWORD } from '../../src/emulator/index.js';
import { saveConnection } from '../../src/store/connection-repo.js';
import type { CycleResult } from '../../src/sync/cycle.js';
import { assembleForever } from '../../src/sync/forever.js';
import { openSession } from '../../src/sync/session.js';
import { buildStatus } from '../../src/sync/status.js';
import { DATABASE_URL } from '../helpers/db.js';
import { describeWorlds, type World } from './world.js';

const until = async (check: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

const savePassword = (w: World, password: string) =>
  saveConnection(w.db, w.box, {
    orgUrl: w.emu.url,
    authKind: 'password',
    username: 'sync@contoso.test',
    clientId: DEFAULT_APP_ID,
    tenant: 'contoso',
    secrets: { password },
  });

describeWorlds('a running runner follows the stored connection', ({ backend, open }) => {
  it('a wrong password saved while it runs fails the next cycle as sign_in_failed; the right one heals it', async () => {
    const w = await open();
    const cycles: CycleResult[] = [];
    const forever = await assembleForever({
      db: w.db,
      databaseUrl: backend === 'postgres' ? DATABASE_URL : undefined,
      secretBox: w.box,
      logger: silentLogger(),
      pageSize: 5000,
      intervalMs: 200,
      maxBackoffMs: 400,
      onCycle: (r) => cycles.push(r),
    });
    const done = forever.run();
    const runner = forever.runner;
    try {
      await until(() => cycles.length >= 1, 'the first cycle');
      expect(cycles[0]!.status).toBe('success');

      await savePassword(w, 'not-the-password');
      await until(() => runner.health.state === 'retrying', 'the sign-in failure');
      expect(runner.health.lastError).toMatchObject({
        code: 'sign_in_failed',
        reason: 'wrong_password',
        message: expect.stringContaining('AADSTS50126'),
      });
      // In status (what `dynasync status --json` and /api/status print), for every table.
      const pending = (await openSession(w.db, w.box, silentLogger(), 5000)).source;
      await until(async () => (await buildStatus(w.db, null)).runner?.state === 'retrying', 'the failure saved');
      const status = await buildStatus(w.db, pending);
      expect(status.runner?.lastError).toMatchObject({ code: 'sign_in_failed', reason: 'wrong_password' });
      for (const t of status.tables) {
        expect(t.lastCycle?.status, t.table).toBe('failed');
        expect(t.lastError, t.table).toMatchObject({
          code: 'sign_in_failed',
          message: expect.stringContaining('AADSTS50126'),
        });
        if (t.phase === 'delta')
          expect(t.pendingError, t.table).toMatchObject({ code: 'sign_in_failed', reason: 'wrong_password' });
      }
      const metrics = new SyncMetrics({ db: w.db, dataverse: async () => null, pending: async () => null });
      expect(await metrics.render()).toMatch(
        /dynasync_runner_failing\{code="sign_in_failed",reason="wrong_password"\} [1-9]/,
      );

      const before = cycles.length;
      await savePassword(w, DEFAULT_PASSWORD);
      await until(() => cycles.length > before && runner.health.state === 'ok', 'a cycle with the right password');
      expect(cycles.at(-1)!.status).toBe('success');
      await runner.stop();
      await done;
      expect((await buildStatus(w.db, null)).runner).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
      expect(await metrics.render()).not.toMatch(/dynasync_runner_failing\{/);
    } finally {
      await runner.stop();
      await done;
    }
  });
});
