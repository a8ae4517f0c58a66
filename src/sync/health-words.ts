/**
 * Status in words for people: a cycle's counts ("120 new, 7 updated"), a table's state ("in sync",
 * "12 pending"), and the health line as one line of text for the CLI. The web UI says the same in
 * src/web/assets/lib/words.js (browser modules cannot import this file).
 */
import { count, type Health } from './health.js';

const numberFormat = new Intl.NumberFormat('en-US');
const n = (v: number): string => numberFormat.format(v);

export interface CycleCounts {
  readonly inserted: number;
  readonly updated: number;
  readonly deleted: number;
  readonly skipped: number;
}

/** "120 new, 7 updated, 2 deleted, 1 skipped", or "no changes". */
export function countsInWords(c: CycleCounts): string {
  const parts = [
    c.inserted ? `${n(c.inserted)} new` : '',
    c.updated ? `${n(c.updated)} updated` : '',
    c.deleted ? `${n(c.deleted)} deleted` : '',
    c.skipped ? `${n(c.skipped)} skipped` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'no changes';
}

/** The terminal's line for a table's cycle: the counts in words, then the activities it recorded. */
export function cycleInWords(c: CycleCounts & { readonly activities: number }): string {
  if (!c.activities) return countsInWords(c);
  return `${countsInWords(c)}, ${n(c.activities)} ${c.activities === 1 ? 'activity' : 'activities'}`;
}

export interface TableState {
  readonly phase: 'not_started' | 'initial' | 'delta';
  readonly blockedReason: string | null;
  readonly pendingChanges: number | null;
  readonly lastCycle: { readonly status: string } | null;
}

/** A table is "in sync" only with nothing pending; a failed or blocked one says so first. */
export function tableStateInWords(t: TableState): string {
  if (t.blockedReason) return 'blocked';
  if (t.lastCycle?.status === 'failed') return 'failing';
  if (t.phase === 'not_started') return 'not started';
  if (t.phase === 'initial') return 'initial sync';
  if (t.pendingChanges === null) return 'synced (pending unknown)';
  return t.pendingChanges === 0 ? 'in sync' : `${n(t.pendingChanges)} pending`;
}

const LABEL: Record<Health['state'], string> = {
  healthy: 'HEALTHY',
  behind: 'BEHIND',
  throttled: 'THROTTLED',
  failing: 'FAILING',
};

/** "FAILING: <summary> → <action>" (ETA and backlog are in the summary when behind). */
export function healthLine(h: Health): string {
  const backlog = h.state === 'healthy' || h.backlog === 0 ? '' : ` [backlog ${count(h.backlog, 'change')}]`;
  return `${LABEL[h.state]}: ${h.summary}${backlog} → ${h.action}`;
}
