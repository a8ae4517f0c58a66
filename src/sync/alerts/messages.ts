/** The alert messages: subject, plain text for e-mail, and the webhook's JSON. */
import type { FailedRecord } from '../../store/alert-queries.js';
import { errorKind } from '../error-kinds.js';
import type { Health } from '../health.js';
import type { AlertMessage } from './channels.js';

export function stoppedMessage(health: Health, at: Date): AlertMessage {
  return {
    kind: 'sync_stopped',
    subject: `dynasync: the sync stopped (${health.cause})`,
    text: `${health.summary}\n\nWhat to do: ${health.action}\n\nSince ${at.toISOString()}.`,
    data: { health },
    at,
  };
}

export function recoveredMessage(health: Health, incident: { cause: string; since: string }, at: Date): AlertMessage {
  return {
    kind: 'sync_recovered',
    subject: 'dynasync: the sync works again',
    text: `The sync works again (it had stopped: ${incident.cause}, since ${incident.since}).\n\nNow: ${health.summary}`,
    data: { health, incident },
    at,
  };
}

export function digestMessage(
  failed: { total: number; records: readonly FailedRecord[] },
  since: Date,
  until: Date,
  at: Date,
): AlertMessage {
  const lines = failed.records.map((r) => {
    const kind = errorKind(r.code, r.direction);
    return `- ${r.entity} ${r.recordId ?? ''} (${r.operation}, ${r.direction === 'to_dynamics' ? 'to' : 'from'} Dynamics) [${r.code}, ${kind.category}]: ${r.message}\n  Next step: ${kind.nextStep}`;
  });
  const more =
    failed.total > failed.records.length
      ? `\n… and ${failed.total - failed.records.length} more: see Sync errors.`
      : '';
  return {
    kind: 'digest',
    subject: `dynasync: ${failed.total} record${failed.total === 1 ? '' : 's'} failed to sync in the last 24 hours`,
    text: `Records that failed to sync between ${since.toISOString()} and ${until.toISOString()}:\n\n${lines.join('\n')}${more}\n`,
    data: {
      since: since.toISOString(),
      until: until.toISOString(),
      total: failed.total,
      records: failed.records.map((r) => ({
        ...r,
        lastAt: r.lastAt.toISOString(),
        category: errorKind(r.code, r.direction).category,
      })),
    },
    at,
  };
}

export function testMessage(at: Date): AlertMessage {
  return {
    kind: 'test',
    subject: 'dynasync: test alert',
    text: 'This is a test of the dynasync alerts: if you read it, alerts reach you.',
    data: {},
    at,
  };
}
