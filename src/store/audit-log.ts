/**
 * The audit log: who changed the connection, the field selection, a company field, an API client
 * or an admin user, and when. Written in the change's own transaction (`audited`, or a repository
 * given an `AuditOf`): a change that fails leaves no row, one that commits leaves exactly one. Read
 * newest first in keyset pages (list-page.ts) and exported as CSV in batches. Details never hold a
 * secret.
 */
import { csvLine } from './db/csv.js';
import { inTransaction } from './db/tx.js';
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

export interface AuditNote {
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly details?: Record<string, unknown>;
}

/** What the audit log says of a change, from the change's result (known only once it is made). */
export type AuditOf<T> = (result: T) => AuditNote;

export async function recordAudit(c: SqlClient, e: AuditNote): Promise<void> {
  await c.query('INSERT INTO audit_log (actor, action, target, details) VALUES ($1, $2, $3, $4::jsonb)', [
    e.actor,
    e.action,
    e.target,
    JSON.stringify(e.details ?? {}),
  ]);
}

/**
 * Runs the change and appends its audit row in one transaction (the caller's, when given one): a
 * change that throws writes no row, and an audit row that cannot be written undoes the change.
 */
export function audited<T>(
  c: SqlClient,
  audit: AuditOf<T> | undefined,
  change: (tx: SqlClient) => Promise<T>,
): Promise<T> {
  if (!audit) return change(c);
  return inTransaction(c, async (tx) => {
    const result = await change(tx);
    await recordAudit(tx, audit(result));
    return result;
  });
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
