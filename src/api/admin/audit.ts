/** Appends to the audit log in the name of the signed-in admin user (store/audit-log.ts). */
import type { FastifyRequest } from 'fastify';
import type { SqlClient } from '../../store/db/types.js';
import { recordAudit } from '../../store/audit-log.js';

export const actorOf = (request: FastifyRequest): string => request.adminSession?.user.email ?? 'unknown';

export function audit(
  db: SqlClient,
  request: FastifyRequest,
  action: string,
  target: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  return recordAudit(db, { actor: actorOf(request), action, target, details });
}
