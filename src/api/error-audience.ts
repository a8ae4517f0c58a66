/**
 * The edge's one table from error code to HTTP status: each layer's list (code -> audience) merged,
 * then one status per audience. A code missing here cannot compile where it is raised (ErrorCode),
 * and test/api/error-audience.test.ts checks that every layer's list, the CLI's included, is here.
 */
import { DOMAIN_ERROR_CODES, type ErrorAudience, type ErrorCode } from '../domain/index.js';
import { DATAVERSE_ERROR_CODES } from '../dataverse/error-codes.js';
import { MAPPING_ERROR_CODES } from '../mapping/error-codes.js';
import { STORE_ERROR_CODES } from '../store/error-codes.js';
import { SYNC_ERROR_CODES } from '../sync/error-codes.js';
import { API_ERROR_CODES } from './error-codes.js';

export const STATUS_BY_AUDIENCE: Readonly<Record<ErrorAudience, number>> = Object.freeze({
  input: 400,
  not_found: 404,
  setup: 409,
  record: 422,
  local: 500,
  dynamics: 502,
  unavailable: 503,
});

const AUDIENCE: ReadonlyMap<string, ErrorAudience> = new Map(
  Object.entries({
    ...DOMAIN_ERROR_CODES,
    ...DATAVERSE_ERROR_CODES,
    ...MAPPING_ERROR_CODES,
    ...STORE_ERROR_CODES,
    ...SYNC_ERROR_CODES,
    ...API_ERROR_CODES,
  }),
);

/** Codes only the CLI raises never reach HTTP; should one, it is a setup matter, not a 500. */
export const audienceOf = (code: ErrorCode): ErrorAudience => AUDIENCE.get(code) ?? 'setup';

export const knownToTheEdge = (code: string): boolean => AUDIENCE.has(code);
