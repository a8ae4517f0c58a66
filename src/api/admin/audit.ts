/**
 * The audit log's entries in the name of the signed-in admin user (store/audit-log.ts). A change
 * takes its note and writes it in its own transaction, so a failed change leaves no entry.
 */
import type { FastifyRequest } from 'fastify';
import type { SqlClient } from '../../store/db/types.js';
import { recordAudit, type AuditNote } from '../../store/audit-log.js';

export const actorOf = (request: FastifyRequest): string => request.adminSession?.user.email ?? 'unknown';

/** The note for a change made by this request's user. */
export const auditNote = (
  request: FastifyRequest,
  action: string,
  target: string,
  details: Record<string, unknown> = {},
): AuditNote => ({ actor: actorOf(request), action, target, details });

/** Appends an entry on its own (for what is not a change of the audited kinds: users, invites). */
export function audit(
  db: SqlClient,
  request: FastifyRequest,
  action: string,
  target: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  return recordAudit(db, auditNote(request, action, target, details));
}
