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
import { registerServe } from './commands/serve.js';
import { registerStatus } from './commands/status.js';
import { registerSync } from './commands/sync.js';
import { registerValidate } from './commands/validate.js';

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
    .exitOverride();
  for (const register of [
    registerConnect,
    registerValidate,
    registerFields,
    registerSync,
    registerStatus,
    registerPerson,
    registerEmulator,
    registerDemo,
    registerServe,
    registerApiClient,
    registerAdminUser,
  ]) {
    register(program, ctx);
  }
  return program;
}
