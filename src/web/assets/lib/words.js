// Status in words, as src/sync/health-words.ts says it for the CLI: "120 new, 7 updated", "12 pending".
import { formatNumber } from './dom.js';

/** "120 new, 7 updated, 2 deleted, 1 skipped", or "no changes". */
export function countsInWords(c) {
  const parts = [
    c.inserted ? `${formatNumber(c.inserted)} new` : '',
    c.updated ? `${formatNumber(c.updated)} updated` : '',
    c.deleted ? `${formatNumber(c.deleted)} deleted` : '',
    c.skipped ? `${formatNumber(c.skipped)} skipped` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'no changes';
}

/** [text, badge kind]: a table is "in sync" only with nothing pending. */
export function tableState(t) {
  if (t.blockedReason) return ['blocked', 'danger'];
  if (t.lastCycle && t.lastCycle.status === 'failed') return ['failing', 'danger'];
  if (t.phase === 'not_started') return ['not started', 'neutral'];
  if (t.phase === 'initial') return ['initial sync', 'info'];
  if (t.pendingChanges === null) return ['synced', 'ok'];
  return t.pendingChanges === 0 ? ['in sync', 'ok'] : [`${formatNumber(t.pendingChanges)} pending`, 'warn'];
}
