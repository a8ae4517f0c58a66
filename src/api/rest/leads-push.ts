/**
 * POST /rest/v1/leads/push.json: "Sync Person to Microsoft" for up to 300 persons by id.
 * `{ input: [{ id }], syncAs: 'lead' | 'contact' (default lead), assignTo: '<sales person email>' }`.
 * Each person is its own transaction and gets its own result in input order: `queued` (the create
 * is in the outbox with its Sync Lead to Microsoft activity; the sender writes it within seconds
 * while `run` is up), or `skipped` with a reason (1004 not found, 1005 already in Dynamics or
 * already queued, 1003 unknown sales person). The body differs from Marketo's push-to-program.
 */
import type { FastifyInstance } from 'fastify';
import { isPushTarget, type PushTarget } from '../../domain/index.js';
import { queuePush, type PushOutcome } from '../../store/records/push.js';
import type { RestContext } from './context.js';
import { RestCode, RestError, success, type RestCodeValue, type RestErrorItem } from './envelope.js';
import { MAX_BATCH, requireJsonBody, unstorableText } from './params.js';

type PushResult = { id: number; status: 'queued' } | { id?: number; status: 'skipped'; reasons: RestErrorItem[] };

interface PushCall {
  readonly ids: readonly (number | PushResult)[];
  readonly syncAs: PushTarget;
  readonly assignTo: string | null;
}

const reason = (code: RestCodeValue, message: string, id?: number): PushResult => ({
  ...(id === undefined ? {} : { id }),
  status: 'skipped',
  reasons: [{ code, message }],
});

/** The call as a whole; a bad syncAs or assignTo fails the call, a bad record only itself. */
export function parsePushBody(body: unknown): PushCall {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RestError(RestCode.InvalidData, 'The request body must be a JSON object with an input array');
  }
  const b = body as Record<string, unknown>;
  const syncAs = b.syncAs ?? 'lead';
  if (!isPushTarget(syncAs))
    throw new RestError(RestCode.InvalidData, `Invalid syncAs '${String(syncAs).slice(0, 40)}': use lead or contact`);
  const assignTo = b.assignTo ?? null;
  if (
    assignTo !== null &&
    (typeof assignTo !== 'string' || assignTo.trim() === '' || assignTo.length > 254 || unstorableText(assignTo))
  ) {
    throw new RestError(RestCode.InvalidData, 'assignTo must be the email of a synced sales person');
  }
  if (!Array.isArray(b.input) || b.input.length === 0)
    throw new RestError(RestCode.InvalidData, 'input must be a non-empty array');
  if (b.input.length > MAX_BATCH)
    throw new RestError(RestCode.InvalidData, `At most ${MAX_BATCH} records per call, got ${b.input.length}`);
  const ids = b.input.map((r: unknown) => {
    const id = typeof r === 'object' && r !== null ? (r as Record<string, unknown>).id : undefined;
    return typeof id === 'number' && Number.isSafeInteger(id) && id > 0
      ? id
      : reason(RestCode.InvalidValue, `Invalid value for 'id': a whole number is required`);
  });
  return { ids, syncAs, assignTo: typeof assignTo === 'string' ? assignTo.trim() : null };
}

const SKIP_CODES: Record<Extract<PushOutcome, { status: 'skipped' }>['code'], RestCodeValue> = {
  person_not_found: RestCode.LeadNotFound,
  already_in_dynamics: RestCode.LeadAlreadyExists,
  already_queued: RestCode.LeadAlreadyExists,
  owner_not_found: RestCode.InvalidData,
};

async function pushOne(ctx: RestContext, id: number, call: PushCall): Promise<PushResult> {
  try {
    const r = await queuePush(ctx.deps.db, {
      personId: id,
      syncAs: call.syncAs,
      ownerEmail: call.assignTo,
      source: 'rest',
    });
    return r.status === 'queued' ? { id, status: 'queued' } : reason(SKIP_CODES[r.code], r.message, id);
  } catch (err) {
    ctx.deps.logger.error({ err, personId: id }, 'REST push to Dynamics failed');
    return reason(RestCode.SystemError, 'System error', id);
  }
}

export function registerLeadPush(app: FastifyInstance, ctx: RestContext): void {
  app.post('/v1/leads/push.json', async (req) => {
    requireJsonBody(req.headers['content-type']);
    const call = parsePushBody(req.body);
    const result: PushResult[] = [];
    for (const id of call.ids) result.push(typeof id === 'number' ? await pushOne(ctx, id, call) : id);
    return success(result);
  });
}
