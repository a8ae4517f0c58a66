/**
 * `dynasync api-client create NAME | list | revoke ID`: the REST API's clients. The secret is printed
 * once, at creation; only its scrypt hash is stored, so a lost secret means a new client. Revoking
 * takes effect at once, in every process: tokens already issued answer 601 within a second. With
 * the embedded database held by `run` or `serve`, the command asks that process (cli/local-admin.ts).
 */
import type { Command } from 'commander';
import { createApiClient } from '../../api/rest/credentials.js';
import { listApiClients, revokeApiClient, type ApiClient } from '../../store/api-clients.js';
import { cliAudit } from '../../api/local/routes.js';
import { print, type CliContext } from '../context.js';
import { withStoreOrRunning } from '../local-admin.js';

/** An API client as the running process sends it (dates as ISO text). */
interface ClientJson {
  id: number;
  name: string;
  clientId: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const fromJson = (c: ClientJson): ApiClient => ({
  ...c,
  createdAt: new Date(c.createdAt),
  lastUsedAt: c.lastUsedAt === null ? null : new Date(c.lastUsedAt),
  revokedAt: c.revokedAt === null ? null : new Date(c.revokedAt),
});

export function registerApiClient(program: Command, ctx: CliContext): void {
  const cmd = program.command('api-client').description('clients of the Marketo-compatible REST API');

  cmd
    .command('create <name>')
    .description('make a client; its secret is shown once')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const { client, clientSecret } = await withStoreOrRunning(
        ctx,
        (db) => createApiClient(db, name, cliAudit('api_client.create')),
        async (ask) => {
          const r = await ask<{ client: ClientJson; clientSecret: string }>('POST', '/api-clients', { name });
          return { client: fromJson(r.client), clientSecret: r.clientSecret };
        },
      );
      if (o.json) return print(ctx, JSON.stringify({ name: client.name, clientId: client.clientId, clientSecret }));
      print(ctx, `API client '${client.name}' created.`);
      print(ctx, `  client id:     ${client.clientId}`);
      print(ctx, `  client secret: ${clientSecret}`);
      print(ctx, 'The secret is not stored and will not be shown again. Get a token with');
      print(ctx, '  GET /identity/oauth/token?grant_type=client_credentials&client_id=<id>&client_secret=<secret>');
    });

  cmd
    .command('list')
    .description('the clients (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const clients = await withStoreOrRunning(ctx, listApiClients, async (ask) =>
        (await ask<ClientJson[]>('GET', '/api-clients')).map(fromJson),
      );
      if (o.json) return print(ctx, JSON.stringify(clients));
      if (clients.length === 0) return print(ctx, 'No API clients yet: `dynasync api-client create NAME`.');
      for (const c of clients) {
        const used = c.lastUsedAt ? `last token ${c.lastUsedAt.toISOString()}` : 'never used';
        const revoked = c.revokedAt ? `, REVOKED ${c.revokedAt.toISOString()}` : '';
        print(ctx, `${c.name.padEnd(24)} ${c.clientId}  created ${c.createdAt.toISOString()}, ${used}${revoked}`);
      }
    });

  cmd
    .command('revoke <id>')
    .description('revoke a client (by client id or name): no new tokens, and its tokens stop working')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const client = await withStoreOrRunning(
        ctx,
        (db) => revokeApiClient(db, id, cliAudit('api_client.revoke')),
        async (ask) => fromJson(await ask<ClientJson>('POST', '/api-clients/revoke', { id })),
      );
      if (o.json) return print(ctx, JSON.stringify(client));
      print(
        ctx,
        `API client '${client.name}' (${client.clientId}) revoked at ${client.revokedAt!.toISOString()}: its tokens answer 601 from now on.`,
      );
    });
}
