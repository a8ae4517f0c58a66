/**
 * Opportunities for the UI: the list page (all, or one company's), and a person's opportunities
 * with the role the person has in each. Read-only: opportunities are managed in Dynamics.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../store/db/types.js';
import {
  listOpportunities,
  listOpportunityRoles,
  type OpportunityFilter,
  type OpportunityView,
} from '../../store/records/index.js';
import { decodeCursor, encodeCursor, pageLimit, parseInput, positiveId } from './input.js';

const Query = z.object({
  company: z.string().uuid().optional(),
  person: positiveId.optional(),
  limit: pageLimit(50, 200),
  cursor: z.string().max(200).optional(),
});

const view = (o: OpportunityView, role?: string) => ({
  id: o.id,
  dynamicsId: o.dynamicsId,
  name: o.fields.name ?? null,
  stage: o.fields.stage ?? null,
  estimatedValue: o.fields.estimatedValue ?? null,
  closeProbability: o.fields.closeProbability ?? null,
  actualCloseDate: o.fields.actualCloseDate ?? null,
  company: o.companyDynamicsId ? { dynamicsId: o.companyDynamicsId, name: o.companyName } : null,
  customerType: o.customerType,
  dynamicsDeleted: o.deleted,
  ...(role ? { role } : {}),
});

export function registerOpportunityRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/opportunities', async (request) => {
    const q = parseInput(Query, request.query, 'query');
    const afterId = decodeCursor(q.cursor, 'after') ?? 0;
    if (q.person !== undefined) {
      // A person has few roles: all of them, with the role in each opportunity.
      const roles = await listOpportunityRoles(db, { kind: 'persons', values: [q.person] }, 1000);
      const role = new Map(roles.map((r) => [r.opportunityDynamicsId, r.role]));
      const ids = [...role.keys()];
      const opps = ids.length
        ? await listOpportunities(db, { kind: 'dynamicsId', values: ids }, { afterId: 0, limit: ids.length })
        : [];
      return { items: opps.map((o) => view(o, role.get(o.dynamicsId))), nextCursor: null };
    }
    const filter: OpportunityFilter = q.company ? { kind: 'company', values: [q.company] } : { kind: 'all' };
    const rows = await listOpportunities(db, filter, { afterId, limit: q.limit + 1 });
    const items = rows.slice(0, q.limit).map((o) => view(o));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > q.limit && last ? encodeCursor({ after: last.id }) : null };
  });
}
