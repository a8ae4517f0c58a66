/**
 * People and companies of the lead database. A person's company fields are its company's: editing
 * one here (sync/local-edits.ts) changes it for every person of the company, logs Change Data
 * Value on each, and sends nothing to Dynamics.
 */
import type { FastifyInstance } from 'fastify';
import { auditNote } from './audit.js';
import { z } from 'zod';
import { NotFoundError } from '../../domain/index.js';
import type { Db } from '../../store/db/types.js';
import { getPerson } from '../../store/records/index.js';
import { personActivitiesNewestFirst } from '../../store/records/admin-queries.js';
import { setCompanyFieldThroughPerson } from '../../sync/local-edits.js';
import { loadSelection } from '../../sync/state.js';
import { decodeCursor, encodeCursor, pageLimit, parseInput, positiveId } from './input.js';

const IdParams = z.object({ id: positiveId });
const ActivityQuery = z.object({ limit: pageLimit(100, 500), cursor: z.string().max(200).optional() });
const CompanyFieldBody = z.strictObject({
  field: z.string().trim().min(1).max(200),
  value: z.union([z.string().max(100_000), z.number(), z.boolean(), z.null()]),
});

const cursorOf = (afterId: number | null, key: string) => (afterId === null ? null : encodeCursor({ [key]: afterId }));

/** The synced company fields, in selection order, with what the edit form needs to offer. */
async function companyFieldsOf(db: Db, values: Record<string, unknown>) {
  const { catalog, selection } = await loadSelection(db, 'account');
  return selection.map((s) => {
    const column = catalog.find((c) => c.logicalName === s.logicalName);
    return {
      name: s.localName,
      label: column?.displayName ?? s.localName,
      type: column?.attributeType ?? 'String',
      options: column?.options?.map((o) => o.label) ?? null,
      value: values[s.localName] ?? null,
    };
  });
}

/** Display labels of the person (contact) fields, by local name, for the person page. */
async function personFieldLabels(db: Db): Promise<Record<string, string>> {
  const { catalog, selection } = await loadSelection(db, 'contact');
  return Object.fromEntries(
    selection.map((s) => [
      s.localName,
      catalog.find((c) => c.logicalName === s.logicalName)?.displayName ?? s.localName,
    ]),
  );
}

async function activitiesPage(db: Db, personId: number, query: unknown) {
  const q = parseInput(ActivityQuery, query, 'query');
  const page = await personActivitiesNewestFirst(db, personId, {
    beforeId: decodeCursor(q.cursor, 'before'),
    limit: q.limit,
  });
  return {
    items: page.items.map((a) => ({ ...a, occurredAt: a.occurredAt.toISOString() })),
    nextCursor: cursorOf(page.nextAfterId, 'before'),
  };
}

export function registerPeopleRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/people/:id', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'person id');
    const person = await getPerson(db, id);
    if (!person) throw new NotFoundError('person_not_found', `No person with id ${id}`);
    const { company, ...rest } = person;
    return {
      person: rest,
      company: company && {
        id: company.id,
        dynamicsId: company.dynamicsId,
        dynamicsDeleted: company.dynamicsDeleted,
        name: company.fields.company ?? null,
      },
      companyFields: company ? await companyFieldsOf(db, company.fields) : [],
      fieldLabels: await personFieldLabels(db),
      activities: await activitiesPage(db, id, {}),
    };
  });

  app.get('/api/people/:id/activities', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'person id');
    if (!(await getPerson(db, id))) throw new NotFoundError('person_not_found', `No person with id ${id}`);
    return activitiesPage(db, id, request.query);
  });

  app.put('/api/people/:id/company-field', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'person id');
    const b = parseInput(CompanyFieldBody, request.body, 'body');
    const r = await setCompanyFieldThroughPerson(db, id, b.field, b.value, (done) =>
      auditNote(request, 'company_field.set', `company ${done.companyId}`, {
        field: b.field,
        oldValue: done.oldValue,
        newValue: done.newValue,
        throughPerson: id,
        persons: done.persons,
      }),
    );
    return { ...r, field: b.field, sentToDynamics: false };
  });
}
