/**
 * Admin users (list, invite with a one-time link, remove) and the audit log (newest first, CSV).
 * Viewers may read both; the guard refuses them every change.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../store/db/types.js';
import { listAdminUsers, removeAdminUser, type AdminUser } from '../../store/admin-users.js';
import { auditCsv, listAudit } from '../../store/audit-log.js';
import { actorOf, audit } from './audit.js';
import { parseInput, pageLimit, positiveId } from './input.js';
import { createInvite, inviteLink } from './invites.js';
import { decode, pageAnswer } from './list-routes.js';

const InviteBody = z.strictObject({ email: z.string().max(320), role: z.string().max(20) });
const IdParams = z.object({ id: positiveId });
const AuditQuery = z.object({ limit: pageLimit(50, 200), cursor: z.string().max(1000).optional() });

export const userJson = (u: AdminUser) => ({
  id: u.id,
  email: u.email,
  role: u.role,
  status: u.hasPassword ? 'active' : 'invited',
  invitedBy: u.invitedBy,
  createdAt: u.createdAt.toISOString(),
  lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
  inviteExpiresAt: u.inviteExpiresAt?.toISOString() ?? null,
});

export function registerUserRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/users', async (request) => ({
    items: (await listAdminUsers(db)).map(userJson),
    me: request.adminSession?.user ?? null,
  }));

  app.post('/api/users/invite', async (request) => {
    const b = parseInput(InviteBody, request.body, 'body');
    const { user, token, expiresAt } = await createInvite(db, { ...b, invitedBy: actorOf(request) });
    await audit(db, request, 'user.invite', user.email, { role: user.role });
    const base = `${request.protocol}://${request.host}`;
    return { user: userJson(user), link: inviteLink(base, token), expiresAt: expiresAt.toISOString() };
  });

  app.delete('/api/users/:id', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'user id');
    const user = await removeAdminUser(db, id);
    await audit(db, request, 'user.remove', user.email, { role: user.role });
    return { user: userJson(user) };
  });

  app.get('/api/audit', async (request) => {
    const q = parseInput(AuditQuery, request.query, 'query');
    const page = await listAudit(db, { limit: q.limit, ...(q.cursor ? { cursor: decode(q.cursor)! } : {}) });
    return pageAnswer({ ...page, rows: page.rows.map((e) => ({ ...e, at: e.at.toISOString() })) });
  });

  app.get('/api/audit.csv', async (_request, reply) =>
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="dynasync-audit-${new Date().toISOString().slice(0, 10)}.csv"`,
      )
      .header('cache-control', 'no-store')
      .send(Readable.from(auditCsv(db))),
  );
}
