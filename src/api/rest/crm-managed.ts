/**
 * What the CRM owns (companies, opportunities, custom-table records) is read-only here: a write is
 * answered record by record, each skipped with the reason, in input order, as Marketo answers a
 * CRM-enabled instance. The body is still checked, so a malformed call gets a call-level error.
 */
import { RestCode, RestError, skipped, success, type RestCodeValue } from './envelope.js';
import { MAX_BATCH, requireJsonBody } from './params.js';

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function refuseEveryRecord(
  req: { headers: Record<string, unknown>; body: unknown },
  code: RestCodeValue,
  reason: string,
) {
  requireJsonBody(req.headers['content-type'] as string | undefined);
  const body = req.body as { input?: unknown } | null;
  if (typeof body !== 'object' || body === null || !Array.isArray(body.input) || body.input.length === 0)
    throw new RestError(RestCode.InvalidData, 'The request body must be a JSON object with a non-empty input array');
  if (body.input.length > MAX_BATCH)
    throw new RestError(RestCode.InvalidData, `At most ${MAX_BATCH} records per call, got ${body.input.length}`);
  return success(body.input.map((_, seq) => ({ seq, ...skipped(code, reason) })));
}
