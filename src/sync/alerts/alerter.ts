/**
 * The alerter, run inside `run`: once a minute it judges the health (computeHealth, the same as
 * the pages) and sends
 * - an immediate "sync stopped" alert when the sync stops working (refused credentials, a blocked
 *   table, Dynamics unreachable, no successful cycle for three intervals), once per incident, and
 *   a "sync recovered" one when it works again;
 * - a daily digest of the records that failed in the last 24 hours (the reference's notification),
 *   for the window ending at the configured UTC hour, only when there were any.
 * What was alerted is kept in the lead database (settings), so a restart does not send it again.
 * It is saved after a send that reached at least one channel: a crash in between sends it twice,
 * never zero times.
 */
import type { Logger } from '../../config/index.js';
import type { Db } from '../../store/db/types.js';
import { failedRecordsBetween, loadAlertState, saveAlertState, type AlertState } from '../../store/alert-queries.js';
import type { Health } from '../health.js';
import { healthOf } from '../health-facts.js';
import type { RunnerHealth } from '../runner-health.js';
import { buildStatus } from '../status.js';
import type { AlertsConfig } from '../../config/alerts-env.js';
import { alertChannels, type AlertChannel } from './channels.js';
import { digestMessage, recoveredMessage, stoppedMessage } from './messages.js';

/** Causes that mean the sync stopped working (others are noisy or cannot be told from inside). */
export const STOPPED_CAUSES: ReadonlySet<string> = new Set([
  'credentials',
  'blocked_table',
  'dynamics_unreachable',
  'stalled',
]);

export interface AlerterDeps {
  readonly db: Db;
  /** Fixed channels and digest hour, or `settings`: read at every check (the settings page's changes apply at once). */
  readonly channels?: readonly AlertChannel[];
  readonly digestHourUtc?: number;
  readonly settings?: () => Promise<AlertsConfig>;
  readonly logger: Logger;
  readonly intervalMs: number;
  readonly liveRunner?: () => RunnerHealth | null;
  readonly now?: () => Date;
}

/** One check; returns the kinds of message sent. */
export async function checkAlerts(given: AlerterDeps): Promise<string[]> {
  const config = given.settings ? await given.settings() : null;
  const deps = {
    ...given,
    channels: config ? alertChannels(config) : (given.channels ?? []),
    digestHourUtc: config ? config.digestHourUtc : (given.digestHourUtc ?? 8),
  };
  if (deps.channels.length === 0) return [];
  const now = deps.now?.() ?? new Date();
  const status = await buildStatus(deps.db, null);
  const health = await healthOf({
    db: deps.db,
    status,
    intervalMs: deps.intervalMs,
    liveRunner: deps.liveRunner?.() ?? null,
    now,
  });
  let state = await loadAlertState(deps.db);
  const sent: string[] = [];
  const incident = incidentChange(state, health, now);
  if (incident && (await sendAll(deps, incident.message))) {
    state = { ...state, incident: incident.next };
    await saveAlertState(deps.db, state);
    sent.push(incident.message.kind);
  }
  const until = digestWindowEnd(now, deps.digestHourUtc);
  if (state.lastDigestUntil === null || new Date(state.lastDigestUntil) < until) {
    const since = new Date(until.getTime() - 24 * 3600_000);
    const failed = await failedRecordsBetween(deps.db, since, until);
    if (failed.total === 0 || (await sendAll(deps, digestMessage(failed, since, until, now)))) {
      state = { ...state, lastDigestUntil: until.toISOString() };
      await saveAlertState(deps.db, state);
      if (failed.total > 0) sent.push('digest');
    }
  }
  return sent;
}

function incidentChange(
  state: AlertState,
  health: Health,
  now: Date,
): { message: ReturnType<typeof stoppedMessage>; next: AlertState['incident'] } | null {
  const stopped = health.state === 'failing' && health.cause !== null && STOPPED_CAUSES.has(health.cause);
  if (stopped && state.incident?.cause !== health.cause) {
    const at = now.toISOString();
    return { message: stoppedMessage(health, now), next: { cause: health.cause!, since: at, alertedAt: at } };
  }
  if (!stopped && state.incident) return { message: recoveredMessage(health, state.incident, now), next: null };
  return null;
}

/** The latest hour:00 UTC at or before now: the digest covers the 24 hours before it. */
export function digestWindowEnd(now: Date, hourUtc: number): Date {
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc));
  return end > now ? new Date(end.getTime() - 24 * 3600_000) : end;
}

/** True when at least one channel took the message; each failure is logged. */
async function sendAll(
  deps: { channels: readonly AlertChannel[]; logger: Logger },
  message: ReturnType<typeof stoppedMessage>,
): Promise<boolean> {
  const results = await Promise.allSettled(deps.channels.map((c) => c.send(message)));
  results.forEach((r, i) => {
    if (r.status === 'rejected')
      deps.logger.warn(
        { channel: deps.channels[i]!.name, kind: message.kind, err: (r.reason as Error).message },
        'alert not sent',
      );
  });
  return results.some((r) => r.status === 'fulfilled');
}

/** Checks every `everyMs` until stopped; a failed check is logged and the next one tries again. */
export function startAlerter(deps: AlerterDeps, everyMs = 60_000): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = checkAlerts(deps).catch((err: unknown) =>
      deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'alert check failed'),
    );
  }, everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
