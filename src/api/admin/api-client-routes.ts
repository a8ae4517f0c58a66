/**
 * The API clients page's API: list (with last use, never a secret), create (the secret is in that
 * one answer and nowhere else), revoke (its tokens stop working at once, in every process).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../store/db/types.js';
import { listApiClients, revokeApiClient, type ApiClient } from '../../store/api-clients.js';
import { createApiClient } from '../rest/credentials.js';
import { auditNote } from './audit.js';
import { parseInput } from './input.js';

const CreateBody = z.strictObject({ name: z.string().max(200) });
const RevokeParams = z.object({ clientId: z.string().min(1).max(200) });

export const apiClientJson = (c: ApiClient) => ({
  id: c.id,
  name: c.name,
  clientId: c.clientId,
  createdAt: c.createdAt.toISOString(),
  lastUsedAt: c.lastUsedAt?.toISOString() ?? null,
  revokedAt: c.revokedAt?.toISOString() ?? null,
});

export function registerApiClientRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/api-clients', async () => ({ items: (await listApiClients(db)).map(apiClientJson) }));

  app.post('/api/api-clients', async (request) => {
    const { name } = parseInput(CreateBody, request.body, 'body');
    const { client, clientSecret } = await createApiClient(db, name, (c) =>
      auditNote(request, 'api_client.create', c.name, { clientId: c.clientId }),
    );
    return { client: apiClientJson(client), clientSecret };
  });

  app.post('/api/api-clients/:clientId/revoke', async (request) => {
    const { clientId } = parseInput(RevokeParams, request.params, 'path');
    const client = await revokeApiClient(db, clientId, (c) =>
      auditNote(request, 'api_client.revoke', c.name, { clientId: c.clientId }),
    );
    return { client: apiClientJson(client) };
  });
}
