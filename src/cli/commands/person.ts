import type { Command } from 'commander';
import { InvalidInputError, NotFoundError, isPushTarget } from '../../domain/index.js';
import { getPerson, listActivities, queuePush } from '../../store/records/index.js';
import { setCompanyFieldThroughPerson, setPersonField } from '../../sync/local-edits.js';
import { print, type CliContext } from '../context.js';

const personId = (raw: string): number => {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0)
    throw new InvalidInputError('invalid_id', `person id must be a positive whole number, got ${JSON.stringify(raw)}`);
  return id;
};

export function registerPerson(program: Command, ctx: CliContext): void {
  const person = program.command('person').description('read or edit a person of the lead database');

  person
    .command('show <id>')
    .description('a person, its company fields and its activity log')
    .option('--json', 'print JSON')
    .action(async (raw: string, o: { json?: boolean }) => {
      const id = personId(raw);
      const { view, activities } = await ctx.withStore(async (db) => {
        const v = await getPerson(db, id);
        if (!v) throw new NotFoundError('person_not_found', `No person with id ${id}`);
        return { view: v, activities: await listActivities(db, { personId: id, limit: 200 }) };
      });
      if (o.json) return print(ctx, JSON.stringify({ person: view, activities }, null, 2));
      print(
        ctx,
        `person ${view.id} (${view.dynamicsType ?? 'local'} ${view.dynamicsId ?? ''})${view.dynamicsDeleted ? ' [deleted in Dynamics]' : ''}`,
      );
      for (const [k, v] of Object.entries(view.fields)) print(ctx, `  ${k}: ${JSON.stringify(v)}`);
      print(
        ctx,
        view.company
          ? `company ${view.company.id} (${view.company.dynamicsId})${view.company.dynamicsDeleted ? ' [deleted in Dynamics]' : ''}`
          : 'company: not synced yet',
      );
      for (const [k, v] of Object.entries(view.company?.fields ?? {})) print(ctx, `  ${k}: ${JSON.stringify(v)}`);
      print(ctx, `activities (${activities.length}):`);
      for (const a of activities)
        print(
          ctx,
          `  ${a.occurredAt.toISOString()} type ${a.typeId} ${a.primaryAttributeValue ?? ''} ${JSON.stringify(a.attributes)}`,
        );
    });

  person
    .command('set <id>')
    .description(
      'edit a person field (sent to Dynamics by the sender) or a company field through a person (every person of the company changes; never sent)',
    )
    .requiredOption(
      '--field <name>',
      'person or company field (local name, e.g. title or billingCity, or the Dynamics column)',
    )
    .requiredOption('--value <value>', 'new value (empty for null); picklists take a label')
    .action(async (raw: string, o: { field: string; value: string }) => {
      const id = personId(raw);
      const own = await ctx.withStore((db) => setPersonField(db, id, o.field, o.value));
      if (own)
        return print(
          ctx,
          own.changed.length > 0
            ? `${o.field} changed on person ${id}; queued for Dynamics.`
            : `${o.field}: unchanged.`,
        );
      const r = await ctx.withStore((db) => setCompanyFieldThroughPerson(db, id, o.field, o.value));
      print(
        ctx,
        `${o.field}: ${JSON.stringify(r.oldValue)} → ${JSON.stringify(r.newValue)} on company ${r.companyId}; ` +
          `${r.persons} persons show it, ${r.activities} Change Data Value activities logged. Not sent to Dynamics.`,
      );
    });

  person
    .command('push <id>')
    .description(
      'Sync Person to Microsoft: create a marketing-only person in Dynamics (the sender writes it); a no-op for a person already there',
    )
    .option('--as <table>', 'lead or contact (a contact is created without an account)', 'lead')
    .option('--owner <email>', 'a synced sales person (Dynamics user) to own the new record')
    .action(async (raw: string, o: { as: string; owner?: string }) => {
      const id = personId(raw);
      if (!isPushTarget(o.as))
        throw new InvalidInputError('invalid_sync_as', `--as must be lead or contact, got ${JSON.stringify(o.as)}`);
      const syncAs = o.as;
      const r = await ctx.withStore((db) =>
        queuePush(db, { personId: id, syncAs, ownerEmail: o.owner?.trim() || null, source: 'cli' }),
      );
      if (r.status === 'queued') {
        return print(
          ctx,
          `person ${id} queued for creation in Dynamics as a ${r.syncAs} (${r.dynamicsId})${r.ownerId ? `, owner ${o.owner}` : ''}; ` +
            'the sender writes it (within seconds while run is up, else at the next cycle).',
        );
      }
      if (r.code === 'person_not_found') throw new NotFoundError(r.code, r.message);
      if (r.code === 'owner_not_found') throw new InvalidInputError(r.code, r.message);
      print(ctx, `no-op: ${r.message}`);
    });
}
