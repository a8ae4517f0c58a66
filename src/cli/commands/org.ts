/**
 * `dynasync org add|list|show|remove|interval`: the organizations of a PostgreSQL database, each
 * a named Dynamics connection with its own lead database (its own schema). Every other command
 * works on one of them with `--org NAME`.
 */
import type { Command } from 'commander';
import { fleetOverview } from '../../api/fleet/fleet-status.js';
import { InvalidInputError } from '../../domain/index.js';
import { hasConnection, peekConnection } from '../../store/connection-repo.js';
import {
  deleteOrg,
  ensureRegistry,
  getOrg,
  hurryJob,
  insertOrg,
  listOrgs,
  schemaForOrg,
  assertOrgName,
  setOrgInterval,
  type Organization,
} from '../../store/fleet/index.js';
import { listRuns } from '../../store/runs.js';
import { fleetOf, print, type CliContext } from '../context.js';

function parseInterval(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidInputError(
      'invalid_interval',
      `--interval must be a whole number of seconds ≥ 1, got ${JSON.stringify(raw)}`,
    );
  return n;
}

async function add(ctx: CliContext, name: string, o: { interval?: string }): Promise<Organization> {
  const interval = parseInterval(o.interval, ctx.config.intervalSeconds);
  assertOrgName(name);
  return fleetOf(ctx).withFleet(async (fleet) => {
    await ensureRegistry(fleet, ctx.config.intervalSeconds);
    // Its lead database first (the schema, migrated), then the registry row: a failed migration
    // leaves no organization without tables behind.
    const pending: Organization = {
      name,
      schema: schemaForOrg(name),
      intervalSeconds: interval,
      createdAt: new Date(),
    };
    await fleetOf(ctx).withOrgStore(pending, async () => undefined);
    return insertOrg(fleet, name, interval);
  });
}

async function show(ctx: CliContext, name: string): Promise<Record<string, unknown>> {
  const org = await fleetOf(ctx).withFleet((f) => getOrg(f, name));
  return fleetOf(ctx).withOrgStore(org, async (db) => {
    const connection = (await hasConnection(db)) ? await peekConnection(db, ctx.secretBox()) : null;
    const [last] = await listRuns(db, { limit: 1 });
    return {
      name: org.name,
      schema: org.schema,
      intervalSeconds: org.intervalSeconds,
      createdAt: org.createdAt.toISOString(),
      dynamics: connection ? { url: connection.orgUrl, username: connection.username ?? null } : null,
      lastCycle: last ? { status: last.status, startedAt: last.startedAt.toISOString() } : null,
    };
  });
}

export function registerOrg(program: Command, ctx: CliContext): void {
  const org = program.command('org').description('the organizations of this database (PostgreSQL)');
  org
    .command('add <name>')
    .description('add an organization (its own lead database); then `dynasync connect --org NAME …`')
    .option('--interval <seconds>', 'wait between its cycles (default DYNASYNC_INTERVAL_SECONDS)')
    .action(async (name: string, o: { interval?: string }) => {
      const added = await add(ctx, name, o);
      print(ctx, `organization ${added.name} added (schema ${added.schema}, every ${added.intervalSeconds} s)`);
    });
  org
    .command('list')
    .description('every organization: name, schema, interval')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const orgs = await fleetOf(ctx).withFleet((f) => listOrgs(f));
      if (o.json) return print(ctx, JSON.stringify(orgs, null, 2));
      if (orgs.length === 0) print(ctx, 'no organization registered (the database is the single one in public)');
      for (const x of orgs) print(ctx, `${x.name.padEnd(24)} ${x.schema.padEnd(30)} every ${x.intervalSeconds} s`);
    });
  org
    .command('show <name>')
    .description('one organization: its Dynamics connection and last cycle')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const s = await show(ctx, name);
      if (o.json) return print(ctx, JSON.stringify(s, null, 2));
      for (const [k, v] of Object.entries(s))
        print(ctx, `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
    });
  org
    .command('interval <name> <seconds>')
    .description("change an organization's wait between cycles (workers apply it at its next cycle)")
    .action(async (name: string, seconds: string) => {
      const interval = parseInterval(seconds, 0);
      await fleetOf(ctx).withFleet((f) => setOrgInterval(f, name, interval));
      print(ctx, `organization ${name}: every ${interval} s`);
    });
  org
    .command('status')
    .description("the fleet view: every organization's last cycle; those behind schedule, failing or throttled")
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const view = await fleetOf(ctx).withFleet(async (f) => {
        await ensureRegistry(f, ctx.config.intervalSeconds);
        return fleetOverview(f);
      });
      if (o.json) return print(ctx, JSON.stringify(view, null, 2));
      print(
        ctx,
        `${view.organizations} organizations; behind schedule: ${view.behind.length}, failing: ${view.failing.length}, throttled: ${view.throttled.length}`,
      );
      for (const s of view.states) {
        const flags = [
          s.behind && 'BEHIND',
          s.consecutiveFailures > 0 && `FAILING x${s.consecutiveFailures}`,
          s.throttledMs > 0 && 'THROTTLED',
        ].filter(Boolean);
        const last = s.endedAt ? `${s.status} at ${s.endedAt.toISOString()}` : 'never ran';
        print(
          ctx,
          `${s.name.padEnd(24)} ${last}, ${s.jobs} cycles, late ${s.latenessMs ?? 0} ms${flags.length ? `  ${flags.join(' ')}` : ''}${s.error ? ` (${s.error})` : ''}`,
        );
      }
    });
  org
    .command('sync-now <name>')
    .description("run the organization's next cycle now (through the workers' queue)")
    .action(async (name: string) => {
      const moved = await fleetOf(ctx).withFleet(async (f) => {
        await getOrg(f, name);
        return hurryJob(f, name);
      });
      print(
        ctx,
        moved
          ? `organization ${name}: its next cycle starts now`
          : `organization ${name}: a cycle is already running or due now`,
      );
    });
  org
    .command('remove <name>')
    .description('remove an organization and DROP its lead database (its schema); public is only unregistered')
    .requiredOption('--yes', 'confirm: its people, companies, activities and connection are deleted')
    .action(async (name: string) => {
      const removed = await fleetOf(ctx).withFleet((f) => f.transaction((tx) => deleteOrg(tx, name)));
      print(
        ctx,
        `organization ${removed.name} removed${removed.schema === 'public' ? ' (public kept, unregistered)' : ` (schema ${removed.schema} dropped)`}`,
      );
    });
}
