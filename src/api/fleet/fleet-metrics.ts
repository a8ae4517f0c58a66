/**
 * `/metrics` of the fleet server: per organization (label `org`, one series per registered
 * organization, capped at MAX_ORG_SERIES so a huge fleet cannot blow up a Prometheus server: the
 * ones that need a look come first) and for the fleet as a whole (no label). Read from the
 * registry's org_state and pg-boss's job table: what every worker published, not this process.
 */
import { queueCounts, type FleetDb } from '../../store/fleet/index.js';
import { fleetOverview } from './fleet-status.js';

export const MAX_ORG_SERIES = 2000;

const esc = (v: string) => v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

export async function fleetMetrics(fleet: FleetDb, maxSeries = MAX_ORG_SERIES): Promise<string> {
  const view = await fleetOverview(fleet);
  const jobs = await queueCounts(fleet).catch(() => ({ created: 0, retry: 0, active: 0, failed: 0 }));
  const look = (s: (typeof view.states)[number]) =>
    s.behind || s.consecutiveFailures > 0 || s.throttledMs > 0 ? 0 : 1;
  const states = [...view.states].sort((a, b) => look(a) - look(b) || a.name.localeCompare(b.name)).slice(0, maxSeries);
  const lines: string[] = [];
  const family = (name: string, help: string, type: string, rows: [string | null, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [org, v] of rows) lines.push(`${name}${org === null ? '' : `{org="${esc(org)}"}`} ${v}`);
  };
  family('dynasync_fleet_organizations', 'Registered organizations', 'gauge', [[null, view.organizations]]);
  family('dynasync_fleet_organizations_behind', 'Organizations whose cycle is over a minute late', 'gauge', [
    [null, view.behind.length],
  ]);
  family('dynasync_fleet_organizations_failing', 'Organizations whose last cycle failed', 'gauge', [
    [null, view.failing.length],
  ]);
  family('dynasync_fleet_organizations_throttled', 'Organizations whose last cycle Dataverse throttled', 'gauge', [
    [null, view.throttled.length],
  ]);
  family('dynasync_fleet_jobs', 'Cycle jobs by state', 'gauge', []);
  for (const [state, n] of Object.entries(jobs)) lines.push(`dynasync_fleet_jobs{state="${state}"} ${n}`);
  family(
    'dynasync_org_cycle_lateness_seconds',
    'How late the last cycle started against its due time',
    'gauge',
    states.map((s) => [s.name, (s.latenessMs ?? 0) / 1000]),
  );
  family(
    'dynasync_org_consecutive_failures',
    'Failed cycles in a row',
    'gauge',
    states.map((s) => [s.name, s.consecutiveFailures]),
  );
  family(
    'dynasync_org_throttled_seconds',
    'Time Dataverse throttling held the last cycle back',
    'gauge',
    states.map((s) => [s.name, s.throttledMs / 1000]),
  );
  family(
    'dynasync_org_behind_schedule',
    '1 when the cycle is over a minute late',
    'gauge',
    states.map((s) => [s.name, s.behind ? 1 : 0]),
  );
  family(
    'dynasync_org_cycles_total',
    'Cycles run by the workers',
    'counter',
    states.map((s) => [s.name, s.jobs]),
  );
  return `${lines.join('\n')}\n`;
}
