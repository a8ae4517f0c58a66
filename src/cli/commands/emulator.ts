import type { Command } from 'commander';
import { InvalidInputError } from '../../domain/index.js';
import { print, type CliContext } from '../context.js';

export const parseSeed = (raw: string): string | number => {
  if (['none', 'small', 'medium', 'large'].includes(raw)) return raw;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidInputError(
      'invalid_seed',
      `--seed must be small, medium, large, none or a number of accounts, got ${JSON.stringify(raw)}`,
    );
  return n;
};

export const parsePort = (raw: string, name = '--port'): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidInputError('invalid_port', `${name} must be a port number, got ${JSON.stringify(raw)}`);
  return n;
};

export function registerEmulator(program: Command, ctx: CliContext): void {
  program
    .command('emulator')
    .description('serve the Dataverse Web API emulator')
    .option('--port <port>', 'port', '5555')
    .option('--seed <seed>', 'small | medium | large | none | <number of accounts>', 'small')
    .option('--admin', 'enable the fault-injection and admin API under /_emulator/')
    .option('--cost-model', "model Dataverse's server time per request (docs/PERFORMANCE.md)")
    .action(async (o: { port: string; seed: string; admin?: boolean; costModel?: boolean }) => {
      const started = Date.now();
      const emu = await ctx.startEmulator({
        port: parsePort(o.port),
        seed: parseSeed(o.seed),
        admin: o.admin === true,
        costModel: o.costModel === true,
      });
      print(ctx, `Dataverse emulator serving ${emu.url}/api/data/v9.2/ (ready in ${Date.now() - started} ms)`);
      print(
        ctx,
        `token endpoint ${emu.tokenEndpoint}; users sync@ rep@ mfa@ limited@contoso.test, password Passw0rd!; app dynasync-local / local-secret`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      await emu.close();
    });
}
