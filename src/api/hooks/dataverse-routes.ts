/**
 * POST /hooks/dataverse: Dataverse's webhook calls (`dynasync webhook register`). The key is
 * checked in constant time against the stored one; a wrong or missing key is refused (401) and
 * counted, never acted on. An accepted call answers 202 at once: it only schedules a delta read of
 * its table (PushInbox), which stays the source of truth, so a forged, repeated or late call can
 * cost a read but never change data.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CYCLE_ORDER } from '../../domain/index.js';
import { PushInbox } from '../../sync/push-inbox.js';
import { WEBHOOK_HEADER, loadWebhookKey } from '../../sync/webhooks.js';
import type { ApiDeps } from '../deps.js';

export const HOOK_PATH = '/hooks/dataverse';
/** The stored key is read again after this long, so a register or remove elsewhere applies soon. */
const KEY_TTL_MS = 5_000;
const SYNCED = new Set<string>(CYCLE_ORDER);
const DATE = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;

export async function hookRoutes(app: FastifyInstance, opts: { deps: ApiDeps; inbox?: PushInbox }): Promise<void> {
  const { deps } = opts;
  const inbox = opts.inbox ?? new PushInbox(deps.db, deps.logger, () => deps.runner?.pushNow?.());
  let cached: { key: string | null; at: number } | null = null;
  const expected = async (): Promise<string | null> => {
    if (!cached || Date.now() - cached.at > KEY_TTL_MS)
      cached = { key: await loadWebhookKey(deps.db, deps.secretBox), at: Date.now() };
    return cached.key;
  };

  app.post(HOOK_PATH, async (request, reply) => {
    const key = await expected();
    if (!key || !sameKey(presented(request), key)) {
      inbox.refuse();
      return reply.code(401).send({ error: 'unauthorized', message: 'Wrong or missing webhook key.' });
    }
    const body = (request.body ?? {}) as { PrimaryEntityName?: unknown; OperationCreatedOn?: unknown };
    const entity =
      typeof body.PrimaryEntityName === 'string'
        ? body.PrimaryEntityName
        : request.headers['x-ms-dynamics-entity-name'];
    if (typeof entity === 'string' && SYNCED.has(entity)) inbox.accept(entity, changedAt(body.OperationCreatedOn));
    return reply.code(202).send();
  });
  app.addHook('onClose', async () => inbox.idle());
}

function presented(request: FastifyRequest): string {
  const header = request.headers[WEBHOOK_HEADER];
  if (typeof header === 'string') return header;
  const code = (request.query as Record<string, unknown> | undefined)?.code; // WebhookKey registrations
  return typeof code === 'string' ? code : '';
}

/** Equal-length digests, so neither the comparison time nor a length check reveals the key. */
function sameKey(given: string, key: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(key));
}

/** `OperationCreatedOn` (`\/Date(ms±hhmm)\/`): when the change happened in Dynamics; now if absent. */
function changedAt(raw: unknown): number {
  const m = typeof raw === 'string' ? DATE.exec(raw) : null;
  const ms = m ? Number(m[1]) : NaN;
  return Number.isFinite(ms) && ms <= Date.now() ? ms : Date.now();
}
