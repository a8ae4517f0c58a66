/**
 * Reading opportunities and their contact roles (REST, UI, tests). The company and the roles are
 * derived here from the stored links, so they follow a contact that moves account, a customerid
 * that changes and a connection that goes (opportunities.ts says why nothing is copied).
 */
import type { SqlClient } from '../db/types.js';

export interface OpportunityView {
  readonly id: number;
  readonly dynamicsId: string;
  readonly customerDynamicsId: string | null;
  readonly customerType: 'account' | 'contact' | null;
  /** The account of the opportunity: its customer account, or its customer contact's account. */
  readonly companyDynamicsId: string | null;
  /** That company's name (its `company` field), when it has synced. */
  readonly companyName: string | null;
  readonly ownerDynamicsId: string | null;
  readonly fields: Record<string, unknown>;
  readonly deleted: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface OpportunityRole {
  readonly opportunityDynamicsId: string;
  readonly personId: number;
  readonly role: 'Potential Customer' | 'Stakeholder';
  /** The potential customer's role is the primary one. */
  readonly isPrimary: boolean;
  readonly updatedAt: Date;
}

const COMPANY_OF = (o: string) => `CASE ${o}.customer_type
  WHEN 'account' THEN ${o}.customer_dynamics_id
  WHEN 'contact' THEN (SELECT pp.account_dynamics_id FROM persons pp
                       WHERE pp.dynamics_id = ${o}.customer_dynamics_id AND pp.dynamics_type = 'Contact')
  END`;

const SELECT = `SELECT o.*, (SELECT c.fields ->> 'company' FROM companies c WHERE c.dynamics_id = o.company_dynamics_id) AS company_name
FROM (SELECT o.id, o.dynamics_id, o.customer_dynamics_id, o.customer_type, ${COMPANY_OF('o')} AS company_dynamics_id,
  o.owner_dynamics_id, o.fields, o.dynamics_deleted, o.created_at, o.updated_at FROM opportunities o) o`;

interface Row {
  id: number | string;
  dynamics_id: string;
  customer_dynamics_id: string | null;
  customer_type: 'account' | 'contact' | null;
  company_dynamics_id: string | null;
  company_name: string | null;
  owner_dynamics_id: string | null;
  fields: Record<string, unknown>;
  dynamics_deleted: boolean;
  created_at: Date;
  updated_at: Date;
}

const toView = (r: Row): OpportunityView => ({
  id: Number(r.id),
  dynamicsId: r.dynamics_id,
  customerDynamicsId: r.customer_dynamics_id,
  customerType: r.customer_type,
  companyDynamicsId: r.company_dynamics_id,
  companyName: r.company_name,
  ownerDynamicsId: r.owner_dynamics_id,
  fields: r.fields,
  deleted: r.dynamics_deleted,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

export type OpportunityFilter =
  | { readonly kind: 'dynamicsId'; readonly values: readonly string[] }
  | { readonly kind: 'id'; readonly values: readonly number[] }
  | { readonly kind: 'company'; readonly values: readonly string[] }
  | { readonly kind: 'field'; readonly field: string; readonly values: readonly string[] }
  | { readonly kind: 'all' };

function where(f: OpportunityFilter): { sql: string; params: unknown[] } {
  switch (f.kind) {
    case 'dynamicsId':
      return { sql: 'o.dynamics_id = ANY($1::uuid[])', params: [f.values] };
    case 'id':
      return { sql: 'o.id = ANY($1::bigint[])', params: [f.values] };
    case 'company':
      return { sql: 'o.company_dynamics_id = ANY($1::uuid[])', params: [f.values] };
    case 'field':
      return { sql: 'o.fields ->> $2 = ANY($1::text[])', params: [f.values, f.field] };
    case 'all':
      return { sql: 'true', params: [] };
  }
}

/** A page of opportunities matching `filter`, in id order after `afterId`. */
export async function listOpportunities(
  c: SqlClient,
  filter: OpportunityFilter,
  page: { afterId: number; limit: number },
): Promise<OpportunityView[]> {
  const w = where(filter);
  const n = w.params.length;
  const res = await c.query<Row>(`${SELECT} WHERE ${w.sql} AND o.id > $${n + 1} ORDER BY o.id LIMIT $${n + 2}`, [
    ...w.params,
    page.afterId,
    page.limit,
  ]);
  return res.rows.map(toView);
}

export async function getOpportunityByDynamicsId(c: SqlClient, dynamicsId: string): Promise<OpportunityView | null> {
  const [found] = await listOpportunities(c, { kind: 'dynamicsId', values: [dynamicsId] }, { afterId: 0, limit: 1 });
  return found ?? null;
}

/**
 * Every contact role: the customer contact (primary), then one per other stakeholder contact (two
 * connections to the same contact make one role). Roles of contacts not synced yet appear when they are.
 */
const ROLES = `
SELECT o.dynamics_id AS opportunity_dynamics_id, p.id AS person_id, 'Potential Customer' AS role, true AS is_primary,
       o.updated_at
FROM opportunities o JOIN persons p ON p.dynamics_id = o.customer_dynamics_id AND p.dynamics_type = 'Contact'
WHERE o.customer_type = 'contact'
UNION ALL
SELECT k.opportunity_dynamics_id, p.id, 'Stakeholder', false, max(k.updated_at)
FROM opportunity_connections k
JOIN opportunities o ON o.dynamics_id = k.opportunity_dynamics_id
JOIN persons p ON p.dynamics_id = k.contact_dynamics_id AND p.dynamics_type = 'Contact'
WHERE NOT k.dynamics_deleted
  AND (o.customer_type IS DISTINCT FROM 'contact' OR o.customer_dynamics_id <> k.contact_dynamics_id)
GROUP BY k.opportunity_dynamics_id, p.id`;

export type RoleFilter =
  | { readonly kind: 'opportunities'; readonly values: readonly string[] }
  | { readonly kind: 'persons'; readonly values: readonly number[] };

/** Contact roles of some opportunities or some persons, in (opportunity, person) order. */
export async function listOpportunityRoles(c: SqlClient, filter: RoleFilter, limit = 1000): Promise<OpportunityRole[]> {
  const cond =
    filter.kind === 'opportunities' ? 'r.opportunity_dynamics_id = ANY($1::uuid[])' : 'r.person_id = ANY($1::bigint[])';
  const res = await c.query<{
    opportunity_dynamics_id: string;
    person_id: number | string;
    role: OpportunityRole['role'];
    is_primary: boolean;
    updated_at: Date;
  }>(
    `SELECT * FROM (${ROLES}) r WHERE ${cond} ORDER BY r.opportunity_dynamics_id, r.is_primary DESC, r.person_id LIMIT $2`,
    [filter.values, limit],
  );
  return res.rows.map((r) => ({
    opportunityDynamicsId: r.opportunity_dynamics_id,
    personId: Number(r.person_id),
    role: r.role,
    isPrimary: r.is_primary,
    updatedAt: new Date(r.updated_at),
  }));
}
