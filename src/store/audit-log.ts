/**
 * The audit log: who changed the connection, the field selection, a company field, an API client
 * or an admin user, and when. Appended after each change succeeds; read newest first in keyset
 * pages (list-page.ts) and exported as CSV in batches. Details never hold a secret.
 */
import { csvLine } from './db/csv.js';
import type { SqlClient } from './db/types.js';
import { listAll, listPage, type ListCursor, type ListPage, type ListSpec } from './records/list-page.js';

export interface AuditEntry {
  readonly id: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly details: Record<string, unknown>;
}

export async function recordAudit(
  c: SqlClient,
  e: { actor: string; action: string; target: string; details?: Record<string, unknown> },
): Promise<void> {
  await c.query('INSERT INTO audit_log (actor, action, target, details) VALUES ($1, $2, $3, $4::jsonb)', [
    e.actor,
    e.action,
    e.target,
    JSON.stringify(e.details ?? {}),
  ]);
}

const AUDIT_SPEC: ListSpec = {
  from: 'audit_log a',
  columns: 'a.id, a.at, a.actor, a.action, a.target, a.details',
  idExpr: 'a.id',
  sorts: { at: { expr: 'a.at', type: 'timestamptz' } },
  fieldExpr: (_scope, n) => `(CASE ${n} WHEN 'actor' THEN a.actor WHEN 'action' THEN a.action ELSE a.target END)`,
};

interface AuditRow {
  id: number | string;
  at: Date | string;
  actor: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
  sort_key: string;
  list_id: number | string;
}

const toEntry = (r: AuditRow): AuditEntry => ({
  id: Number(r.id),
  at: new Date(r.at),
  actor: r.actor,
  action: r.action,
  target: r.target,
  details: r.details,
});

export async function listAudit(
  c: SqlClient,
  q: { limit: number; cursor?: ListCursor },
): Promise<ListPage<AuditEntry>> {
  const page = await listPage<AuditRow>(c, AUDIT_SPEC, { sort: 'at', descending: true, ...q });
  return { ...page, rows: page.rows.map(toEntry) };
}

export async function* auditCsv(c: SqlClient): AsyncGenerator<string> {
  yield csvLine(['id', 'at', 'actor', 'action', 'target', 'details'], '\r\n');
  for await (const r of listAll<AuditRow>(c, AUDIT_SPEC, { sort: 'at', descending: true })) {
    const e = toEntry(r);
    yield csvLine([e.id, e.at, e.actor, e.action, e.target, e.details], '\r\n');
  }
}
