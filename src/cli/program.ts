/** The `dynasync` command line: one commander program, one file per command. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { CliContext } from './context.js';
import { registerAdminUser } from './commands/admin-user.js';
import { registerApiClient } from './commands/api-client.js';
import { registerConnect } from './commands/connect.js';
import { registerDemo } from './commands/demo.js';
import { registerEmulator } from './commands/emulator.js';
import { registerFields } from './commands/fields.js';
import { registerPerson } from './commands/person.js';
import { registerQuickSync } from './commands/quick-sync.js';
import { registerServe } from './commands/serve.js';
import { registerStatus } from './commands/status.js';
import { registerSync } from './commands/sync.js';
import { registerTables } from './commands/tables.js';
import { registerValidate } from './commands/validate.js';
import { registerOrg } from './commands/org.js';
import { registerWorker } from './commands/worker.js';
import { registerWebhookCommands } from './commands/webhook.js';

/** package.json sits two folders up from both src/cli and dist/cli. */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('dynasync')
    .version(packageVersion(), '-V, --version')
    .description('Keeps a marketing lead database continuously in sync with Microsoft Dynamics 365 (Dataverse).')
    .showHelpAfterError()
    .exitOverride()
    .option('--org <name>', 'the organization to work on (default: the only one; see `dynasync org list`)');
  program.hook('preAction', (_program, action) => ctx.selectOrg?.(action.optsWithGlobals<{ org?: string }>().org));
  for (const register of [
    registerConnect,
    registerValidate,
    registerFields,
    registerSync,
    registerStatus,
    registerQuickSync,
    registerPerson,
    registerEmulator,
    registerDemo,
    registerServe,
    registerApiClient,
    registerOrg,
    registerWorker,
    registerTables,
    registerWebhookCommands,
    registerAdminUser,
  ]) {
    register(program, ctx);
  }
  return program;
}
