/**
 * The composition root: the only place that knows every concrete part. It parses the
 * configuration once, builds the logger, and hands the CLI what it needs (including the emulator,
 * which cli/ may not import).
 */
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { ConfigError, createLogger, loadConfig, type Config, type Logger } from './config/index.js';
import { FatalError, isSyncError } from './domain/index.js';
import { startEmulator, type SeedName } from './emulator/index.js';
import { configureBudget } from './dataverse/index.js';
import { configureReads } from './sync/read-settings.js';
import { openDb } from './store/db/index.js';
import type { Db } from './store/db/types.js';
import { loadSecretBox, type SecretBox } from './store/secrets.js';
import { buildProgram } from './cli/program.js';
import type { CliContext, EmulatorLaunch, RunningEmulator } from './cli/context.js';
import { addDemoFanOut } from './emulator/demo.js';
import { openOrgDb, orgSchema, withFleetDb } from './cli/org-store.js';

async function withDb<T>(open: () => Promise<Db>, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await open();
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

const DEMO_SCHEMA = 'dynasync_demo';

export function createCliContext(config: Config, logger: Logger): CliContext {
  let box: SecretBox | null = null;
  const demoDir = join(config.dataDir, 'demo');
  let org: string | undefined;
  return {
    config,
    logger,
    out: process.stdout,
    withStore: (fn) =>
      withDb(async () => {
        const schema = await orgSchema(config, logger, org);
        return openDb({
          databaseUrl: config.databaseUrl,
          dataDir: config.dataDir,
          logger,
          ...(schema ? { schema } : {}),
        });
      }, fn),
    selectOrg: (name) => {
      org = name;
    },
    selectedOrg: () => org,
    withFleet: (fn) => withFleetDb(config, logger, fn),
    withOrgStore: (o, fn) => withDb(() => openOrgDb(config, logger, o), fn),
    // The demo always starts from an empty lead database (its emulator is new every time), of its
    // own: <data dir>/demo on PGlite, schema dynasync_demo on PostgreSQL, never the real one.
    withDemoStore: (fn) =>
      withDb(
        () =>
          openDb({
            databaseUrl: config.databaseUrl,
            dataDir: demoDir,
            logger,
            schema: config.databaseUrl ? DEMO_SCHEMA : undefined,
            recreate: true,
          }),
        fn,
      ),
    secretBox: () => (box ??= loadSecretBox({ secretKey: config.secretKey, dataDir: config.dataDir, logger })),
    startEmulator: async (launch: EmulatorLaunch): Promise<RunningEmulator> => {
      const handle = await startEmulator({
        port: launch.port,
        seed: launch.seed as SeedName | number,
        enableAdmin: launch.admin,
        costModel: launch.costModel === true,
      }).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
        throw new FatalError(
          'port_in_use',
          `Port ${launch.port} on 127.0.0.1 is in use: choose another with --port N (npm run emulator -- --port N).`,
        );
      });
      if (launch.bigAccountContacts) addDemoFanOut(handle.ctx, launch.bigAccountContacts);
      return handle;
    },
  };
}

async function main(argv: string[]): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  // At a terminal, people read the commands' own output; info logs (JSON, for log collectors) would
  // interleave with it. Services (no TTY) and anyone setting DYNASYNC_LOG_LEVEL get config's level.
  const level = process.env.DYNASYNC_LOG_LEVEL === undefined && process.stderr.isTTY ? 'warn' : config.logLevel;
  const logger = createLogger({ level });
  // Every Dataverse client of this process shares the sync user's budget: its share and limits.
  if (config.dataverseBudget) configureBudget(config.dataverseBudget);
  if (config.reads) configureReads(config.reads);
  const program = buildProgram(createCliContext(config, logger));
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    const code = isSyncError(err) ? ` [${err.code}]` : '';
    process.stderr.write(`error${code}: ${err instanceof Error ? err.message : String(err)}\n`);
    if (!isSyncError(err)) logger.error({ err }, 'unexpected error');
    return 1;
  }
}

const code = await main(process.argv);
process.exit(code);
