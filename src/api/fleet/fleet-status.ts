/**
 * The fleet view: every organization's last job, and the ones that need a look: behind schedule
 * (due more than a minute ago and not started), failing (its last cycles failed), throttled (its
 * last cycle was held back by Dataverse's service protection).
 */
import type { Logger } from '../../config/index.js';
import { listOrgStates, type FleetDb, type OrgState } from '../../store/fleet/index.js';

export const BEHIND_GRACE_MS = 60_000;

export interface FleetOverview {
  readonly organizations: number;
  readonly behind: readonly string[];
  readonly failing: readonly string[];
  readonly throttled: readonly string[];
  readonly states: readonly OrgState[];
}

export async function fleetOverview(fleet: FleetDb, _databaseUrl?: string, _logger?: Logger): Promise<FleetOverview> {
  const states = await listOrgStates(fleet, BEHIND_GRACE_MS);
  return {
    organizations: states.length,
    behind: states.filter((s) => s.behind).map((s) => s.name),
    failing: states.filter((s) => s.consecutiveFailures > 0).map((s) => s.name),
    throttled: states.filter((s) => s.throttledMs > 0).map((s) => s.name),
    states,
  };
}
