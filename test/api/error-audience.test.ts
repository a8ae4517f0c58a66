/**
 * Issue 9 §2: one typed list of error codes per layer, and the edge maps every code. The compiler
 * refuses a code no layer declares (ErrorCode); this checks the lists themselves: no code declared
 * twice, every code that can reach HTTP has a status, and the statuses are the documented ones.
 */
import { describe, expect, it } from 'vitest';
import { mapError } from '../../src/api/admin/errors.js';
import { API_ERROR_CODES } from '../../src/api/error-codes.js';
import { audienceOf, knownToTheEdge, STATUS_BY_AUDIENCE } from '../../src/api/error-audience.js';
import { CLI_ERROR_CODES } from '../../src/cli/error-codes.js';
import { DATAVERSE_ERROR_CODES } from '../../src/dataverse/error-codes.js';
import {
  DeltaTokenExpiredError,
  DOMAIN_ERROR_CODES,
  FatalError,
  InvalidInputError,
  RetriableError,
  SkippableError,
} from '../../src/domain/index.js';
import { MAPPING_ERROR_CODES } from '../../src/mapping/error-codes.js';
import { STORE_ERROR_CODES } from '../../src/store/error-codes.js';
import { SYNC_ERROR_CODES } from '../../src/sync/error-codes.js';

const LISTS = {
  domain: DOMAIN_ERROR_CODES,
  dataverse: DATAVERSE_ERROR_CODES,
  mapping: MAPPING_ERROR_CODES,
  store: STORE_ERROR_CODES,
  sync: SYNC_ERROR_CODES,
  api: API_ERROR_CODES,
  cli: CLI_ERROR_CODES,
};

describe('error codes', () => {
  it('each code is declared by exactly one layer', () => {
    const owners = new Map<string, string[]>();
    for (const [layer, list] of Object.entries(LISTS))
      for (const code of Object.keys(list)) owners.set(code, [...(owners.get(code) ?? []), layer]);
    const twice = [...owners].filter(([, layers]) => layers.length > 1);
    expect(twice).toEqual([]);
    expect(owners.size).toBeGreaterThan(80);
  });

  it('every code below the CLI is known to the HTTP edge, with a status', () => {
    for (const [layer, list] of Object.entries(LISTS)) {
      if (layer === 'cli') continue;
      for (const [code, audience] of Object.entries(list)) {
        expect(knownToTheEdge(code), code).toBe(true);
        expect(STATUS_BY_AUDIENCE[audience as keyof typeof STATUS_BY_AUDIENCE], code).toBeGreaterThanOrEqual(400);
      }
    }
  });

  it('maps by audience: setup 409, local 500, Dynamics 502, unavailable 503 with Retry-After, record 422', () => {
    expect(mapError(new FatalError('not_connected', 'x'))).toMatchObject({ status: 409, code: 'not_connected' });
    expect(mapError(new FatalError('secret_key_mismatch', 'x'))?.status).toBe(500);
    expect(mapError(new FatalError('privilege_denied', 'x'))?.status).toBe(502);
    expect(mapError(new DeltaTokenExpiredError('x'))?.status).toBe(502);
    expect(mapError(new RetriableError('throttled', 'x', 2_500))).toMatchObject({ status: 503, retryAfterSeconds: 3 });
    expect(mapError(new SkippableError('value_too_long', 'x'))?.status).toBe(422);
    expect(audienceOf('value_out_of_range')).toBe('record');
    // The same code arriving in a request is the sender's fault.
    expect(mapError(new InvalidInputError('value_out_of_range', 'x'))?.status).toBe(400);
    expect(mapError(new Error('boom'))).toBeNull();
  });
});
