/**
 * The Dynamics connection: read (never its secrets: only whether they are stored), save, and run
 * the validation checklist. A secret left empty on save keeps the stored one for the same identity,
 * so the form does not need the password re-typed to change, say, the tenant.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InvalidInputError } from '../../domain/index.js';
import type { Db } from '../../store/db/types.js';
import { getSelection } from '../../store/fields-repo.js';
import { loadConnection, saveConnection, setDynamicsUserId, type StoredConnection } from '../../store/connection-repo.js';
import type { SecretBox } from '../../store/secrets.js';
import { validateConnection } from '../../sync/validate.js';
import type { DynamicsAccess } from './dynamics.js';
import { parseInput } from './input.js';

const optional = z.string().trim().max(2000).optional().transform((s) => (s ? s : undefined));
const secret = z.string().max(4000).optional().transform((s) => (s ? s : undefined));

const ConnectionBody = z.strictObject({
  orgUrl: z.string().trim().min(1, 'the organization URL is required').max(2000).url('must be a URL, e.g. https://contoso.crm.dynamics.com'),
  username: optional,
  password: secret,
  clientId: z.string().trim().min(1, 'the client id is required').max(200),
  clientSecret: secret,
  tenant: optional,
  authority: optional.refine((s) => s === undefined || URL.canParse(s), 'must be a URL'),
  reset: z.boolean().optional(),
});

export function describeConnection(c: StoredConnection | null) {
  if (!c) return { configured: false as const };
  return {
    configured: true as const,
    orgUrl: c.orgUrl,
    authKind: c.authKind,
    username: c.username ?? null,
    clientId: c.clientId,
    tenant: c.tenant ?? null,
    authority: c.authority ?? null,
    hasPassword: Boolean(c.secrets.password),
    hasClientSecret: Boolean(c.secrets.clientSecret),
    validatedUserId: c.dynamicsUserId,
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function registerConnectionRoutes(app: FastifyInstance, db: Db, box: SecretBox, dynamics: DynamicsAccess): void {
  app.get('/api/connection', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    return describeConnection(await loadConnection(db, box));
  });

  app.put('/api/connection', async (request) => {
    const b = parseInput(ConnectionBody, request.body, 'connection');
    const current = await loadConnection(db, box);
    const sameUser = current?.username === b.username && current?.clientId === b.clientId;
    const password = b.password ?? (b.username && sameUser ? current?.secrets.password : undefined);
    const clientSecret = b.clientSecret ?? (current?.clientId === b.clientId ? current?.secrets.clientSecret : undefined);
    if (b.username && !password) throw new InvalidInputError('password_required', 'The sync user\'s password is required');
    if (!b.username && !clientSecret) {
      throw new InvalidInputError('client_secret_required', 'Without a user name, the connection uses client credentials and needs the client secret');
    }
    const result = await saveConnection(db, box, {
      orgUrl: b.orgUrl, authKind: b.username ? 'password' : 'client_credentials', username: b.username,
      clientId: b.clientId, tenant: b.tenant, authority: b.authority, secrets: { password, clientSecret },
    }, { reset: b.reset === true });
    dynamics.reset();
    return { ...describeConnection(await loadConnection(db, box)), reset: result.reset };
  });

  app.post('/api/connection/validate', async () => {
    const session = await dynamics.session();
    const report = await validateConnection(session.source, session.connection, await getSelection(db));
    if (report.userId) await setDynamicsUserId(db, report.userId);
    return report;
  });
}
