import type { Command } from 'commander';
import type { DynamicsEnv } from '../../config/index.js';
import { InvalidInputError } from '../../domain/index.js';
import { saveConnection } from '../../store/connection-repo.js';
import { getSelection } from '../../store/fields-repo.js';
import { print, type CliContext } from '../context.js';

/** The flags carry the same settings as the DYNAMICS_* variables (a flag wins over its variable). */
type ConnectOptions = DynamicsEnv & { reset?: boolean };

/** What to run next, in the order that works: validate checks the selected columns, so fields come first. */
export function nextSteps(fieldsSelected: boolean): string {
  return fieldsSelected
    ? 'Next: dynasync validate, then dynasync run (the field selection is kept).'
    : 'Next: dynasync fields --defaults, then dynasync validate, then dynasync run.';
}

export function registerConnect(program: Command, ctx: CliContext): void {
  program
    .command('connect')
    .description('store the Dynamics connection (credentials are encrypted at rest)')
    .option('--url <url>', 'organization URL, e.g. https://contoso.crm.dynamics.com (or DYNAMICS_URL)')
    .option('--username <user>', 'sync user (password grant); omit for client credentials (or DYNAMICS_USERNAME)')
    .option('--password <password>', 'sync user password (or DYNAMICS_PASSWORD)')
    .option('--client-id <id>', 'Entra app (client) id (or DYNAMICS_CLIENT_ID)')
    .option('--client-secret <secret>', 'client secret, if the app is confidential (or DYNAMICS_CLIENT_SECRET)')
    .option('--tenant <tenant>', 'tenant id or domain (or DYNAMICS_TENANT)')
    .option(
      '--authority <url>',
      'token authority host; default https://login.microsoftonline.com (or DYNAMICS_AUTHORITY)',
    )
    .option('--reset', 'allow a different organization URL: deletes all synced data')
    .action(async ({ reset, ...flags }: ConnectOptions) => {
      const s: DynamicsEnv = {
        ...ctx.config.dynamics,
        ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)),
      };
      const missing = [
        !s.url && '--url',
        !s.clientId && '--client-id',
        s.username && !s.password && '--password',
        !s.username && !s.clientSecret && '--client-secret (client credentials need it)',
      ].filter(Boolean);
      if (missing.length > 0) throw new InvalidInputError('missing_option', `connect needs ${missing.join(', ')}`);
      const { saved, fieldsSelected } = await ctx.withStore(async (db) => ({
        saved: await saveConnection(
          db,
          ctx.secretBox(),
          {
            orgUrl: s.url!,
            authKind: s.username ? 'password' : 'client_credentials',
            username: s.username,
            clientId: s.clientId!,
            tenant: s.tenant,
            authority: s.authority,
            secrets: { password: s.password, clientSecret: s.clientSecret },
          },
          { reset: reset === true },
        ),
        fieldsSelected: (await getSelection(db)).length > 0,
      }));
      const who = s.username ? `user ${s.username}` : 'client credentials';
      print(ctx, `Connection saved for ${saved.orgUrl} (${who}).${saved.reset ? ' Synced data was reset.' : ''}`);
      print(ctx, nextSteps(fieldsSelected));
    });
}
