/**
 * Issue 11 on PostgreSQL with two processes: while `dynasync run` fills two new contact columns by
 * a quick sync (its contact pages slowed down by the emulator), `dynasync status` in another
 * process shows the quick sync running with its progress, and `dynasync fields --remove` of a column
 * being filled is refused with a clear error; the quick sync then ends done.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import { DATABASE_URL } from '../helpers/db.js';
import { connectAndSelectDefaults, runCli, spawnCli, type CliEnv } from '../reliability/helpers/cli.js';
import { createScratchDatabase } from '../reliability/helpers/scratch-pg.js';

interface StatusJson {
  quickSyncs: { state: string; rowsDone: number; rowsTotal: number | null; fields: string[] }[];
}

const status = async (env: CliEnv): Promise<StatusJson> =>
  JSON.parse((await runCli(['status', '--offline', '--json'], env)).stdout) as StatusJson;

it.runIf(DATABASE_URL)(
  'status shows the progress of the quick sync `run` is doing, and deselecting its column is refused',
  async () => {
    const emu = await startEmulator({ port: 0, seed: 'small', enableAdmin: true });
    const admin = createAdmin(emu.ctx);
    const scratch = await createScratchDatabase(DATABASE_URL!);
    const dataDir = mkdtempSync(join(tmpdir(), 'dynasync-quick-beside-'));
    const env: CliEnv = { dataDir, logLevel: 'warn', pageSize: 100, extra: { DATABASE_URL: scratch.url } };
    const run = { current: undefined as ReturnType<typeof spawnCli> | undefined };
    try {
      await connectAndSelectDefaults(emu.url, env);
      await runCli(['sync', '--once'], { ...env, pageSize: 5000 });
      await runCli(['fields', '--entity', 'contact', '--add', 'department,gendercode'], env);
      // 20 quick-sync pages of 100 contacts, each answered after 800 ms.
      admin.injectFault({ kind: 'slow', entitySet: 'contacts', delayMs: 800, count: 25 });
      run.current = spawnCli(['run', '--interval', '600', '--no-serve'], env);

      let seen: StatusJson['quickSyncs'][number] | undefined;
      for (let i = 0; i < 200 && !seen; i++) {
        const q = (await status(env)).quickSyncs[0];
        if (q?.state === 'running' && q.rowsDone > 0) seen = q;
        else if (q?.state === 'done') break;
      }
      expect(seen, 'status saw the quick sync running').toBeDefined();
      expect(seen).toMatchObject({ fields: ['department', 'gendercode'], rowsTotal: 2000 });
      expect(seen!.rowsDone).toBeLessThan(2000);

      const refused = await runCli(['fields', '--entity', 'contact', '--remove', 'department'], env, {
        allowFailure: true,
      });
      const [q] = (await status(env)).quickSyncs;
      if (q?.state !== 'done') {
        expect(refused.code).not.toBe(0);
        expect(refused.stderr + refused.stdout).toMatch(/contact\.department cannot be deselected while a quick sync/);
      }

      for (let i = 0; i < 200; i++) if ((await status(env)).quickSyncs[0]?.state === 'done') break;
      expect((await status(env)).quickSyncs[0]).toMatchObject({ state: 'done', rowsDone: 2000 });
    } finally {
      if (run.current && run.current.child.exitCode === null) {
        run.current.child.kill('SIGTERM');
        await run.current.done;
      }
      await emu.close();
      await scratch.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
  600_000,
);
