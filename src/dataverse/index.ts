/** The Dataverse client: sign-in, throttling, retries, metadata and change-tracked reads. */
export { DataverseClient, type DataverseClientOptions, type ReadRequest, type WhoAmI } from './client.js';
export { DataverseWriter, type DataverseWriterOptions } from './writer.js';
export { MsalTokenSource, normalizeOrgUrl, type ConnectionSettings, type TokenSource } from './auth.js';
export { DEFAULT_AUTHORITY } from './authority.js';
export { SIGN_IN_REFUSED_CODES } from './auth-errors.js';
export { ColumnDeletedError } from './errors.js';
export type { ReadPage } from './pages.js';
export type { EntityDefinition, RawAttribute } from './metadata.js';
export type { RequestStats } from './session.js';
export { DEFAULT_RETRY, type RetryOptions } from './retry.js';
export { configureBudget, sharedThrottle, Throttle, type ThrottleOptions, type ThrottleStats } from './throttle.js';
export { DATAVERSE_LIMITS, type BudgetOptions, type BudgetSnapshot, type DataverseLimits } from './governor.js';
export { DataverseOutboxWriter, type OutboxWriterOptions } from './outbox-writer.js';
export type { BatchAnswer, BatchWrite } from './batch.js';
export { MAX_BATCH_REQUESTS, isDuplicateKey } from './batch.js';
export type { CustomEntityDefinition, LookupRelationship } from './custom-metadata.js';
