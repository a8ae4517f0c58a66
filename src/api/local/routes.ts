/** What the command line may ask the running process over the local socket (server.ts). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../store/db/types.js';
import { listApiClients, revokeApiClient } from '../../store/api-clients.js';
import { apiClientJson } from '../admin/api-client-routes.js';
import { parseInput } from '../admin/input.js';
import { createApiClient } from '../rest/credentials.js';

const Name = z.strictObject({ name: z.string().max(200) });
const Id = z.strictObject({ id: z.string().min(1).max(200) });

export function registerLocalRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api-clients', async () => (await listApiClients(db)).map(apiClientJson));

  app.post('/api-clients', async (request) => {
    const { name } = parseInput(Name, request.body, 'body');
    const { client, clientSecret } = await createApiClient(db, name);
    return { client: apiClientJson(client), clientSecret };
  });

  app.post('/api-clients/revoke', async (request) => {
    const { id } = parseInput(Id, request.body, 'body');
    return apiClientJson(await revokeApiClient(db, id));
  });
}
