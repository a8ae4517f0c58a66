/** What the command line may ask the running process over the local socket (server.ts). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../store/db/types.js';
import { listApiClients, revokeApiClient, type ApiClient } from '../../store/api-clients.js';
import { apiClientJson } from '../admin/api-client-routes.js';
import { parseInput } from '../admin/input.js';
import { createApiClient } from '../rest/credentials.js';
import { listAdminUsers } from '../../store/admin-users.js';
import { recordAudit, type AuditOf } from '../../store/audit-log.js';
import { createInvite, inviteLink } from '../admin/invites.js';
import { userJson } from '../admin/user-routes.js';

/** The audit log's name for the command line (whoever owns the data directory). */
export const CLI_ACTOR = 'cli';

/** The audit note of an API client change made from the command line. */
export const cliAudit =
  (action: string): AuditOf<ApiClient> =>
  (c) => ({ actor: CLI_ACTOR, action, target: c.name, details: { clientId: c.clientId } });
const Invite = z.strictObject({ email: z.string().max(320), role: z.string().max(20), baseUrl: z.string().max(500) });

const Name = z.strictObject({ name: z.string().max(200) });
const Id = z.strictObject({ id: z.string().min(1).max(200) });

export function registerLocalRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api-clients', async () => (await listApiClients(db)).map(apiClientJson));

  app.post('/api-clients', async (request) => {
    const { name } = parseInput(Name, request.body, 'body');
    const { client, clientSecret } = await createApiClient(db, name, cliAudit('api_client.create'));
    return { client: apiClientJson(client), clientSecret };
  });

  app.post('/api-clients/revoke', async (request) => {
    const { id } = parseInput(Id, request.body, 'body');
    const client = await revokeApiClient(db, id, cliAudit('api_client.revoke'));
    return apiClientJson(client);
  });

  app.get('/admin-users', async () => (await listAdminUsers(db)).map(userJson));

  app.post('/admin-users/invite', async (request) => {
    const b = parseInput(Invite, request.body, 'body');
    return inviteAdminUserAsCli(db, b);
  });
}

/** `dynasync admin-user invite`, whichever process runs it: the link, its expiry and an audit entry. */
export async function inviteAdminUserAsCli(db: Db, b: { email: string; role: string; baseUrl: string }) {
  const { user, token, expiresAt } = await createInvite(db, { email: b.email, role: b.role, invitedBy: CLI_ACTOR });
  await recordAudit(db, { actor: CLI_ACTOR, action: 'user.invite', target: user.email, details: { role: user.role } });
  return { user: userJson(user), link: inviteLink(b.baseUrl, token), expiresAt: expiresAt.toISOString() };
}
