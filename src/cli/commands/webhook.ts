/**
 * `dynasync webhook register --url <public url>|status|remove`: push notifications from Dynamics
 * (sync/webhooks.ts). `run` and `serve` receive them at /hooks/dataverse.
 */
import type { Command } from 'commander';
import { InvalidInputError } from '../../domain/index.js';
import { loadConnection } from '../../store/connection-repo.js';
import type { Db } from '../../store/db/types.js';
import { notConnected } from '../../sync/session.js';
import { describePush, pushStatus } from '../../sync/push-status.js';
import {
  checkWebhook,
  loadWebhook,
  registerWebhook,
  registrationFor,
  removeWebhook,
  type WebhookCheck,
} from '../../sync/webhooks.js';
import { print, type CliContext } from '../context.js';

const HOOK_PATH = '/hooks/dataverse';

async function registration(ctx: CliContext, db: Db) {
  const connection = await loadConnection(db, ctx.secretBox());
  if (!connection) throw notConnected();
  return registrationFor(connection, ctx.logger);
}

/** The address Dynamics will POST to: the server's public origin, with the hook path if none is given. */
function hookUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new InvalidInputError('invalid_url', `--url must be an absolute http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new InvalidInputError('invalid_url', '--url must be http or https (Dynamics Online needs https on port 443)');
  if (u.pathname === '/' || u.pathname === '') u.pathname = HOOK_PATH;
  return u.toString();
}

export function registerWebhookCommands(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('webhook')
    .description('push: Dynamics notifies dynasync of changes (Dataverse webhooks)');

  cmd
    .command('register')
    .description('register one webhook and its Create/Update/Delete steps for the synced tables')
    .requiredOption('--url <url>', `public URL of this server (${HOOK_PATH} is added when no path is given)`)
    .action(async (o: { url: string }) => {
      const url = hookUrl(o.url);
      const result = await ctx.withStore(async (db) =>
        registerWebhook(db, ctx.secretBox(), await registration(ctx, db), url),
      );
      if (result.kind === 'registered') {
        print(ctx, `Registered webhook ${result.endpointId} with ${result.steps} steps: Dynamics notifies ${url}.`);
        return;
      }
      print(ctx, result.instructions);
      process.exitCode = 2;
    });

  cmd
    .command('status')
    .description('whether push is on, the last notification, refused ones, change-to-visible time')
    .option('--json', 'print JSON')
    .option('--offline', 'do not ask Dynamics whether the webhook is still registered')
    .action(async (o: { json?: boolean; offline?: boolean }) => {
      const out = await ctx.withStore(async (db) => {
        const push = await pushStatus(db);
        const stored = await loadWebhook(db);
        let dynamics: WebhookCheck | null = null;
        if (stored && !o.offline) dynamics = await checkWebhook(stored, await registration(ctx, db));
        return { ...push, endpointId: stored?.endpointId ?? null, dynamics };
      });
      if (o.json) return print(ctx, JSON.stringify(out, null, 2));
      print(ctx, describePush(out));
      if (out.url) print(ctx, `  url: ${out.url}`);
      if (out.dynamics)
        print(
          ctx,
          out.dynamics.endpointFound
            ? `  in Dynamics: webhook ${out.endpointId}, ${out.dynamics.stepsFound} steps`
            : `  in Dynamics: NOT FOUND${out.dynamics.error ? ` (${out.dynamics.error})` : ''}`,
        );
    });

  cmd
    .command('remove')
    .description('remove the webhook and its steps from Dynamics, and the stored key')
    .action(async () => {
      const { removed } = await ctx.withStore(async (db) => {
        const stored = await loadWebhook(db);
        return removeWebhook(db, stored?.endpointId ? await registration(ctx, db) : null);
      });
      print(ctx, removed ? 'Webhook removed: push is off (polling goes on).' : 'No webhook is registered.');
    });
}
