/** Options of startEmulator(); every field has a documented default. */
export type SeedName = 'none' | 'small' | 'medium' | 'large';

export interface EmulatorUserOptions {
  /** UPN, e.g. `sync@contoso.test`. */
  name: string;
  password?: string;
  fullName?: string;
  /** The token endpoint answers AADSTS50076 for this user (MFA required). */
  mfaRequired?: boolean;
  /** Tables this user may not read (403 on read). */
  denyRead?: string[];
  /** Tables this user may not create, update or delete rows of (403 PrivilegeDenied). */
  denyWrite?: string[];
  /** Secured columns this user may read, as `table.column`; `'*'` for all. Default: none. */
  securedRead?: string[] | '*';
  /** Secured columns this user may create and update (CanCreate/CanUpdate). Default: as securedRead. */
  securedWrite?: string[] | '*';
  disabled?: boolean;
}

export interface ServiceProtectionLimits {
  /** Requests per user per window (Dataverse: 6,000). */
  requests: number;
  /** Combined execution time per user per window, in ms (Dataverse: 1,200,000). */
  executionMs: number;
  /** Concurrent requests per user (Dataverse: 52). */
  concurrent: number;
  /** Sliding window in ms (Dataverse: 300,000). */
  windowMs: number;
}

/**
 * The server time Dataverse would spend on a request, charged against the execution-time limit
 * and waited out before the answer is sent: `baseMs + rows × perRowMs + rows × columns × perCellMs`
 * (rows returned or written, columns selected). Defaults and their sources: docs/PERFORMANCE.md.
 */
export interface CostModel {
  /** Fixed cost of any request (authentication, query plan, one SQL round trip). Default 50 ms. */
  baseMs: number;
  /** Per row returned or written. Default 0.2 ms. */
  perRowMs: number;
  /** Per row and selected column (wide selects cost more). Default 0.02 ms. */
  perCellMs: number;
}

export interface EmulatorOptions {
  /** 0 picks a free port. Default 5555. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Named size, or a number of accounts (about 10 contacts each). Default 'small'. */
  seed?: SeedName | number;
  /** Seed of the deterministic generator. Default 42. */
  seedValue?: number;
  /** Extra users besides the defaults (sync, rep, mfa, limited). */
  users?: EmulatorUserOptions[];
  /** Access token lifetime in seconds. Default 3600. */
  tokenLifetimeSeconds?: number;
  /** organization.expirechangetrackingindays. Default 7. */
  changeTrackingExpiryDays?: number;
  limits?: Partial<ServiceProtectionLimits>;
  /**
   * Model Dataverse's server time (see CostModel): `true` for the defaults, or some of its numbers.
   * Default off: execution time is what the emulator really took (tests stay fast).
   */
  costModel?: boolean | Partial<CostModel>;
  /** Serve the fault/admin API under /_emulator/. Default false (the CLI enables it with --admin). */
  enableAdmin?: boolean;
  /**
   * Add the optional sync filter column `new_synctomkto` (Two Options, default Yes) to lead, contact
   * and account, seeded mostly Yes with some No and some empty. Default false (the column is absent).
   */
  syncFilterColumn?: boolean;
  /** Tables created with change tracking off. Default none. */
  changeTrackingDisabled?: string[];
  /** Webhook delivery: attempts, backoff, timeout (webhooks/delivery.ts has the defaults). */
  webhooks?: WebhookDeliveryOptions;
}

export interface WebhookDeliveryOptions {
  /** Attempts per delivery, the first included. Default 4. */
  attempts?: number;
  /** First retry after this many ms, doubling. Default 1,000. */
  backoffMs?: number;
  /** Per attempt. Default 60,000. */
  timeoutMs?: number;
  /** Deliveries in flight at once. Default 8. */
  concurrency?: number;
}

export const DEFAULT_LIMITS: ServiceProtectionLimits = Object.freeze({
  requests: 6000,
  executionMs: 1_200_000,
  concurrent: 52,
  windowMs: 300_000,
});

export const DEFAULT_COST_MODEL: CostModel = Object.freeze({ baseMs: 50, perRowMs: 0.2, perCellMs: 0.02 });

/** The cost model an option asks for, or null when it is off. */
export function resolveCostModel(option: EmulatorOptions['costModel']): CostModel | null {
  if (option === undefined || option === false) return null;
  return { ...DEFAULT_COST_MODEL, ...(option === true ? {} : option) };
}

export const DEFAULT_TENANT = 'contoso';
export const DEFAULT_APP_ID = 'dynasync-local';
export const DEFAULT_APP_SECRET = 'local-secret';
export const DEFAULT_PASSWORD = 'Passw0rd!';

export const DEFAULT_USERS: readonly EmulatorUserOptions[] = Object.freeze([
  { name: 'sync@contoso.test', fullName: 'Sync User', securedRead: '*' },
  { name: 'rep@contoso.test', fullName: 'Rita Rep', securedRead: '*' },
  { name: 'mfa@contoso.test', fullName: 'Max Mfa', mfaRequired: true },
  { name: 'limited@contoso.test', fullName: 'Lee Limited', denyRead: ['lead'], denyWrite: ['lead'], securedRead: [] },
]);
