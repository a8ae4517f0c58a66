/**
 * Opportunities and their stakeholders, one way from Dynamics (reference 1.4).
 *
 * An opportunity's contact roles are derived, never copied: its potential customer when that is a
 * contact (role "Potential Customer", primary), plus one "Stakeholder" role per other contact a
 * connection links it to (opportunity_connections). So a role appears, moves or goes with the
 * customerid or connection that makes it, and no second copy can drift (opportunity-queries.ts).
 *
 * A field change logs a Change Data Value on each contact-role person (at most CDV_FAN_OUT_CAP,
 * fanOutTo: the account rule). A newly selected field filling in is not a change (changedFields).
 */
import { changedFields, fanOutTo, insertChanges } from './change-sql.js';
import type { SqlClient } from '../db/types.js';
import { applyStaged, lastById, type ApplyContext, type PageStats } from './staging.js';

export interface OpportunityRecord {
  readonly id: string;
  readonly ownerId: string | null;
  readonly fields: Record<string, unknown>;
  readonly createdOn: string | null;
  readonly modifiedOn: string | null;
  readonly customer?: { readonly id: string; readonly table: string | null } | null;
}

/** Person ids of the contact roles of the staged opportunity `s` (its incoming customer, its stored stakeholders). */
export const rolePersonsOf = (s: string): string => `
  SELECT pp.id FROM persons pp
  WHERE ${s}.customer_type = 'contact' AND pp.dynamics_id = ${s}.customer_dynamics_id
    AND pp.dynamics_type = 'Contact' AND NOT pp.dynamics_deleted
  UNION
  SELECT pp.id FROM opportunity_connections k JOIN persons pp ON pp.dynamics_id = k.contact_dynamics_id
  WHERE k.opportunity_dynamics_id = ${s}.dynamics_id AND NOT k.dynamics_deleted
    AND pp.dynamics_type = 'Contact' AND NOT pp.dynamics_deleted`;

const LOG_CHANGES = `${insertChanges(`'entity', 'opportunity', 'opportunityId', s.dynamics_id, 'reason', 'Opportunity updated in Dynamics'`)}
FROM stage_opportunities s
CROSS JOIN LATERAL (SELECT oo.fields FROM opportunities oo WHERE oo.dynamics_id = s.dynamics_id LIMIT 1) o
CROSS JOIN LATERAL (${changedFields('o.fields', 's.fields')}) ch
CROSS JOIN LATERAL (${fanOutTo(rolePersonsOf('s'))}) p`;

const COUNT = `
SELECT count(*) FILTER (WHERE o.id IS NULL)::int AS inserted,
       count(*) FILTER (WHERE o.id IS NOT NULL AND (
         (o.fields || s.fields) IS DISTINCT FROM o.fields
         OR o.customer_dynamics_id IS DISTINCT FROM s.customer_dynamics_id
         OR o.owner_dynamics_id IS DISTINCT FROM s.owner_dynamics_id
         OR o.dynamics_deleted))::int AS updated,
       count(*)::int AS total
FROM stage_opportunities s LEFT JOIN LATERAL (
  SELECT oo.id, oo.fields, oo.customer_dynamics_id, oo.owner_dynamics_id, oo.dynamics_deleted
  FROM opportunities oo WHERE oo.dynamics_id = s.dynamics_id LIMIT 1
) o ON true`;

// Merge, not replace: a deselected field keeps its last value (as companies and persons do).
const UPSERT = `
INSERT INTO opportunities (dynamics_id, customer_dynamics_id, customer_type, owner_dynamics_id, fields,
  dynamics_created_on, dynamics_modified_on, seen_generation, created_at, updated_at)
SELECT dynamics_id, customer_dynamics_id, customer_type, owner_dynamics_id, fields, created_on, modified_on, $1, $2, $2
FROM stage_opportunities
ON CONFLICT (dynamics_id) DO UPDATE SET
  customer_dynamics_id = EXCLUDED.customer_dynamics_id,
  customer_type = EXCLUDED.customer_type,
  owner_dynamics_id = EXCLUDED.owner_dynamics_id,
  fields = opportunities.fields || EXCLUDED.fields,
  dynamics_created_on = EXCLUDED.dynamics_created_on,
  dynamics_modified_on = EXCLUDED.dynamics_modified_on,
  dynamics_deleted = false,
  seen_generation = EXCLUDED.seen_generation,
  updated_at = CASE WHEN opportunities.fields || EXCLUDED.fields IS DISTINCT FROM opportunities.fields
                      OR opportunities.customer_dynamics_id IS DISTINCT FROM EXCLUDED.customer_dynamics_id
                      OR opportunities.dynamics_deleted
                    THEN EXCLUDED.updated_at ELSE opportunities.updated_at END`;

/** customerid holds one value (reference 1.4): a contact, or an account (also when both were entered). */
const customerTypeOf = (c: OpportunityRecord['customer']): string | null =>
  !c ? null : c.table === 'contact' || c.table === 'account' ? c.table : null;

export function applyOpportunities(
  tx: SqlClient,
  records: readonly OpportunityRecord[],
  ctx: ApplyContext,
): Promise<PageStats> {
  const rows = lastById(records).map(
    (r) =>
      [
        r.id,
        customerTypeOf(r.customer) ? r.customer!.id : null,
        customerTypeOf(r.customer),
        r.ownerId,
        r.fields,
        r.createdOn,
        r.modifiedOn,
      ] as const,
  );
  return applyStaged(tx, 'opportunities', rows, { count: COUNT, logChanges: LOG_CHANGES, upsert: UPSERT }, ctx);
}
