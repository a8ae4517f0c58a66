/** Push as status shows it (CLI, /api/status, the Sync status page). */
import type { Db } from '../store/db/types.js';
import { REFUSED, pushFigures } from '../store/push-state.js';
import { loadWebhook } from './webhooks.js';

export interface PushStatus {
  /** A webhook key is stored: notifications carrying it are accepted. */
  readonly on: boolean;
  readonly url: string | null;
  /** Registered by an administrator by hand (the sync user lacked the privilege). */
  readonly manual: boolean;
  readonly registeredAt: string | null;
  readonly notifications: number;
  readonly lastNotificationAt: string | null;
  readonly refused: number;
  readonly lastRefusedAt: string | null;
  /** The latest change-to-visible time of a push-triggered read, over all tables. */
  readonly lastChangeToVisibleMs: number | null;
  readonly tables: readonly {
    readonly table: string;
    readonly notifications: number;
    readonly lastNotificationAt: string | null;
    readonly waiting: boolean;
    readonly lastChangeToVisibleMs: number | null;
  }[];
}

export async function pushStatus(db: Db): Promise<PushStatus> {
  const [webhook, figures] = await Promise.all([loadWebhook(db), pushFigures(db)]);
  const refused = figures.find((f) => f.name === REFUSED);
  const tables = figures.filter((f) => f.name !== REFUSED);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const latest = (ds: (Date | null)[]) => ds.reduce<Date | null>((a, d) => (d && (!a || d > a) ? d : a), null);
  const lastVisible = tables
    .filter((t) => t.lastVisibleAt)
    .sort((a, b) => b.lastVisibleAt!.getTime() - a.lastVisibleAt!.getTime())[0];
  return {
    on: webhook !== undefined,
    url: webhook?.url ?? null,
    manual: webhook !== undefined && webhook.endpointId === null,
    registeredAt: webhook?.registeredAt ?? null,
    notifications: tables.reduce((n, t) => n + t.notifications, 0),
    lastNotificationAt: iso(latest(tables.map((t) => t.lastNotificationAt))),
    refused: refused?.notifications ?? 0,
    lastRefusedAt: iso(refused?.lastNotificationAt ?? null),
    lastChangeToVisibleMs: lastVisible?.lastVisibleMs ?? null,
    tables: tables.map((t) => ({
      table: t.name,
      notifications: t.notifications,
      lastNotificationAt: iso(t.lastNotificationAt),
      waiting: t.pendingSince !== null,
      lastChangeToVisibleMs: t.lastVisibleMs,
    })),
  };
}

/** One line for the terminal. */
export function describePush(p: PushStatus): string {
  if (!p.on) return `push: off (refused ${p.refused})`;
  const last = p.lastNotificationAt ? `last notification ${p.lastNotificationAt}` : 'no notification yet';
  const visible = p.lastChangeToVisibleMs === null ? '' : `, change-to-visible ${p.lastChangeToVisibleMs} ms`;
  return `push: on${p.manual ? ' (registered by hand)' : ''}, ${p.notifications} notifications, ${last}${visible}, refused ${p.refused}`;
}
