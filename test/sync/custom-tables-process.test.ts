/**
 * Issue 11 §2 on PostgreSQL with two processes: `dynasync tables --enable` is refused while
 * `dynasync run` is in a cycle, accepted between cycles, and the next cycle reads that table in full.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { DATABASE_URL } from '../helpers/db.js';
import {
  connectAndSelectDefaults,
  runCli,
  spawnCli,
  type CliEnv,
  type RunningCli,
} from '../reliability/helpers/cli.js';
import { createScratchDatabase, type ScratchDatabase } from '../reliability/helpers/scratch-pg.js';
import { waitUntil } from '../reliability/helpers/wait.js';

describe.runIf(DATABASE_URL)('tables --enable beside a cycling `dynasync run` on PostgreSQL (two processes)', () => {
  let emu: EmulatorHandle;
  let scratch: ScratchDatabase;
  let dataDir: string;
  let env: CliEnv;
  let run: RunningCli | undefined;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, seed: 3 });
    const admin = createAdmin(emu.ctx);
    admin.addTable({
      logicalName: 'new_visit',
      columns: [{ logicalName: 'new_contactid', type: 'Lookup', targets: ['contact'] }],
    });
    const contact = emu.ctx.data.ids('contact', 1)[0]!;
    const rep = emu.ctx.identity.users()[0]!;
    emu.ctx.data.create({ userId: rep.id, name: rep.name, kind: 'user', appId: 'x' }, 'new_visit', {
      new_name: 'Visit',
      'new_contactid@odata.bind': `/contacts(${contact})`,
    });
    scratch = await createScratchDatabase(DATABASE_URL!);
    dataDir = mkdtempSync(join(tmpdir(), 'dynasync-tables-'));
    env = { dataDir, logLevel: 'warn', extra: { DATABASE_URL: scratch.url } };
    await connectAndSelectDefaults(emu.url, env);
    // The first cycle's contacts page answers after 12 s: a cycle that is surely running meanwhile.
    admin.injectFault({ kind: 'slow', entitySet: 'contacts', delayMs: 12_000, count: 1 });
  }, 180_000);
  afterAll(async () => {
    if (run && run.child.exitCode === null) {
      run.child.kill('SIGTERM');
      await run.done;
    }
    await emu?.close();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is refused during a cycle, accepted between cycles, and the next cycle reads that table in full', async () => {
    const lead = new pg.Client({ connectionString: scratch.url });
    await lead.connect();
    try {
      run = spawnCli(['run', '--interval', '600', '--no-serve'], env);
      let out = '';
      run.child.stdout!.on('data', (d: string) => (out += d));
      const running = async () => (await lead.query(`SELECT 1 FROM sync_runs WHERE status = 'running'`)).rowCount === 1;
      await waitUntil(running, 'a running cycle');

      const refused = await runCli(['tables', '--enable', 'new_visit'], env, { allowFailure: true });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/A sync cycle is running/);
      expect(await running()).toBe(true); // the refusal was made while the cycle ran

      await waitUntil(() => /cycle 1: \w+/.test(out), 'the end of cycle 1');
      const enabled = await runCli(['tables', '--enable', 'new_visit'], env);
      expect(enabled.stdout).toMatch(/new_visit: enabled/);
      const listed = JSON.parse((await runCli(['tables', '--json'], env)).stdout) as {
        tables: { name: string; enabled: boolean }[];
      };
      expect(listed.tables).toEqual([expect.objectContaining({ name: 'new_visit', enabled: true })]);

      run.child.kill('SIGTERM');
      await run.done;
      const once = await runCli(['sync'], env);
      expect(once.stdout).toMatch(/new_visit\s+success\s+full read 1 new/);
      expect(once.stdout).toMatch(/contact\s+success\s+changes/);
    } finally {
      await lead.end();
    }
  }, 240_000);
});
