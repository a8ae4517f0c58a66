/**
 * The Dynamics connection: read (never its secrets: only whether they are stored), save, and run
 * the validation checklist. A secret left empty on save keeps the stored one only while it would
 * go where it was entered for (same organization URL, tenant and authority: store/connection-repo.ts).
 */
import type { FastifyInstance } from 'fastify';
import { auditNote } from './audit.js';
import { z } from 'zod';
import type { Db } from '../../store/db/types.js';
import { getSelection } from '../../store/fields-repo.js';
import {
  peekConnection,
  saveConnection,
  setDynamicsUserId,
  type StoredConnection,
} from '../../store/connection-repo.js';
import type { SecretBox } from '../../store/secrets.js';
import { validateConnection } from '../../sync/validate.js';
import type { DynamicsAccess } from './dynamics.js';
import { parseInput } from './input.js';

const optional = z
  .string()
  .trim()
  .max(2000)
  .optional()
  .transform((s) => (s ? s : undefined));
const secret = z
  .string()
  .max(4000)
  .optional()
  .transform((s) => (s ? s : undefined));

// URLs are checked (https, or http on this machine only) and normalized by the store, for `connect` too.
const ConnectionBody = z.strictObject({
  orgUrl: z.string().trim().min(1, 'the organization URL is required').max(2000),
  username: optional,
  password: secret,
  clientId: z.string().trim().min(1, 'the client id is required').max(200),
  clientSecret: secret,
  tenant: optional,
  authority: optional,
  reset: z.boolean().optional(),
});

export function describeConnection(c: StoredConnection | null) {
  if (!c) return { configured: false as const };
  const { secrets, dynamicsUserId, updatedAt, ...settings } = c;
  return {
    configured: true as const,
    ...settings,
    hasPassword: Boolean(secrets.password),
    hasClientSecret: Boolean(secrets.clientSecret),
    validatedUserId: dynamicsUserId,
    updatedAt: updatedAt.toISOString(),
  };
}

export function registerConnectionRoutes(app: FastifyInstance, db: Db, box: SecretBox, dynamics: DynamicsAccess): void {
  app.get('/api/connection', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    return describeConnection(await peekConnection(db, box));
  });

  app.put('/api/connection', async (request) => {
    const { reset, password, clientSecret, ...b } = parseInput(ConnectionBody, request.body, 'connection');
    const result = await saveConnection(
      db,
      box,
      {
        ...b,
        authKind: b.username ? 'password' : 'client_credentials',
        secrets: { password, clientSecret },
      },
      {
        reset: reset === true,
        audit: (r) =>
          auditNote(request, 'connection.save', r.orgUrl, {
            username: b.username ?? null,
            clientId: b.clientId,
            reset: r.reset,
            passwordChanged: password !== undefined,
            clientSecretChanged: clientSecret !== undefined,
          }),
      },
    );
    dynamics.reset();
    return { ...describeConnection(await peekConnection(db, box)), reset: result.reset };
  });

  app.post('/api/connection/validate', async () => {
    const session = await dynamics.session();
    const report = await validateConnection(session.source, session.connection, await getSelection(db));
    if (report.userId) await setDynamicsUserId(db, report.userId);
    return report;
  });
}
