import type { Command } from 'commander';
import { InvalidInputError } from '../../domain/index.js';
import { saveConnection } from '../../store/connection-repo.js';
import { print, type CliContext } from '../context.js';

interface ConnectOptions {
  url?: string;
  username?: string;
  password?: string;
  clientId?: string;
  clientSecret?: string;
  tenant?: string;
  authority?: string;
  reset?: boolean;
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
    .option('--authority <url>', 'token authority host; default https://login.microsoftonline.com (or DYNAMICS_AUTHORITY)')
    .option('--reset', 'allow a different organization URL: deletes all synced data')
    .action(async (o: ConnectOptions) => {
      const env = ctx.config.dynamics;
      const url = o.url ?? env.url;
      const username = o.username ?? env.username;
      const password = o.password ?? env.password;
      const clientId = o.clientId ?? env.clientId;
      const clientSecret = o.clientSecret ?? env.clientSecret;
      const missing = [!url && '--url', !clientId && '--client-id', username && !password && '--password', !username && !clientSecret && '--client-secret (client credentials need it)'].filter(Boolean);
      if (missing.length > 0) throw new InvalidInputError('missing_option', `connect needs ${missing.join(', ')}`);
      try {
        new URL(url!);
      } catch {
        throw new InvalidInputError('invalid_url', `--url ${JSON.stringify(url)} is not a URL`);
      }
      const result = await ctx.withStore((db) =>
        saveConnection(db, ctx.secretBox(), {
          orgUrl: url!,
          authKind: username ? 'password' : 'client_credentials',
          username,
          clientId: clientId!,
          tenant: o.tenant ?? env.tenant,
          authority: o.authority ?? env.authority,
          secrets: { password, clientSecret },
        }, { reset: o.reset === true }),
      );
      print(ctx, `Connection saved for ${url} (${username ? `user ${username}` : 'client credentials'}).${result.reset ? ' Synced data was reset.' : ''}`);
      print(ctx, 'Next: dynasync validate, then dynasync fields --defaults.');
    });
}
