/**
 * Runs dynasync commands in-process against a World: the real commander program over the test
 * database, with stdout captured. What a user types is what the test types.
 */
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/env.js';
import { silentLogger } from '../../src/config/logger.js';
import { buildProgram } from '../../src/cli/program.js';
import type { CliContext } from '../../src/cli/context.js';
import type { Db } from '../../src/store/db/types.js';
import type { SecretBox } from '../../src/store/secrets.js';

export interface CliRun {
  readonly out: string;
  readonly exitCode: number;
}

export async function runCli(w: { db: Db; box: SecretBox }, args: readonly string[]): Promise<CliRun> {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  const ctx: CliContext = {
    config: loadConfig({ DYNASYNC_DATA_DIR: '/nonexistent-dynasync-test' }),
    logger: silentLogger(),
    out: sink as unknown as NodeJS.WriteStream,
    withStore: (fn) => fn(w.db),
    withDemoStore: () => Promise.reject(new Error('no demo store in tests')),
    secretBox: () => w.box,
    startEmulator: () => Promise.reject(new Error('no emulator launch in tests')),
  };
  const saved = process.exitCode;
  process.exitCode = undefined;
  try {
    await buildProgram(ctx).parseAsync(['node', 'dynasync', ...args]);
    return { out, exitCode: typeof process.exitCode === 'number' ? process.exitCode : 0 };
  } finally {
    process.exitCode = saved;
  }
}
