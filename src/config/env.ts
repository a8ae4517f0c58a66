/**
 * Configuration from the environment, parsed once with zod and frozen. Nothing else reads
 * process.env: main.ts calls loadConfig() and injects the result.
 */
import { z } from 'zod';
import { parseAlertsEnv, type AlertsConfig } from './alerts-env.js';
import { decodeSecretKey, SECRET_KEY_FORMAT } from './secret-key.js';
import { parseReadsEnv, type ReadsConfig } from './reads-env.js';

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

/** A whole number in [min, max], or `def` when unset or empty; the message quotes what was typed. */
const wholeNumber = (min: number, max: number, def: number, unit = '') =>
  z
    .string()
    .trim()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return def;
      const n = Number(raw);
      if (/^[+-]?\d+$/.test(raw) && n >= min && n <= max) return n;
      ctx.addIssue({
        code: 'custom',
        message: `must be a whole number${unit} from ${min} to ${max}, got ${JSON.stringify(raw)}`,
      });
      return z.NEVER;
    });

/** `requests=6000,executionSeconds=1200,concurrent=52,windowSeconds=300` (any subset). */
const LIMIT_KEYS = { requests: 1, executionSeconds: 1000, concurrent: 1, windowSeconds: 1000 } as const;
const limitsSpec = z
  .string()
  .trim()
  .optional()
  .transform((raw, ctx) => {
    const out: Partial<Record<'requests' | 'executionMs' | 'concurrent' | 'windowMs', number>> = {};
    for (const part of (raw ?? '').split(',').filter((p) => p.trim() !== '')) {
      const [key = '', value = ''] = part.split('=').map((x) => x.trim());
      const n = Number(value);
      if (!(key in LIMIT_KEYS) || !/^\d+$/.test(value) || n < 1) {
        ctx.addIssue({
          code: 'custom',
          message: `must be name=whole number pairs (requests, executionSeconds, concurrent, windowSeconds), got ${JSON.stringify(part)}`,
        });
        return z.NEVER;
      }
      const scale = LIMIT_KEYS[key as keyof typeof LIMIT_KEYS];
      const name = key === 'executionSeconds' ? 'executionMs' : key === 'windowSeconds' ? 'windowMs' : key;
      out[name as keyof typeof out] = n * scale;
    }
    return out;
  });

const share = z
  .string()
  .trim()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw === '') return 1;
    const n = Number(raw);
    if (/^\d*\.?\d+$/.test(raw) && n > 0 && n <= 1) return n;
    ctx.addIssue({ code: 'custom', message: `must be a number above 0 and at most 1, got ${JSON.stringify(raw)}` });
    return z.NEVER;
  });

const EnvSchema = z.object({
  DATABASE_URL: optionalString,
  DYNASYNC_DATA_DIR: z.string().trim().min(1).default('./.dynasync'),
  DYNASYNC_SECRET_KEY: optionalString.refine((s) => s === undefined || decodeSecretKey(s) !== null, SECRET_KEY_FORMAT),
  DYNASYNC_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DYNASYNC_INTERVAL_SECONDS: wholeNumber(1, 86_400, 300, ' of seconds'),
  DYNASYNC_PAGE_SIZE: wholeNumber(1, 5000, 5000, ' of rows (Dataverse pages hold at most 5,000)'),
  DYNASYNC_HEAP_BUDGET_MB: wholeNumber(0, 65_536, 128, ' of MB (0: off)'),
  DYNASYNC_ADMIN_PASSWORD: optionalString.refine(
    (s) => s === undefined || s.length >= 8,
    'must be at least 8 characters',
  ),
  DYNASYNC_HTTP_PORT: wholeNumber(0, 65_535, 8080),
  DYNASYNC_HTTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
  DYNASYNC_ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const names = (raw ?? '').split(/[,\s]+/).filter(Boolean);
      const bad = names.filter((n) => !/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i.test(n));
      if (bad.length > 0)
        ctx.addIssue({
          code: 'custom',
          message: `must be host names separated by commas (e.g. sync.example.com), got ${JSON.stringify(bad.join(','))}`,
        });
      return names;
    }),
  DYNASYNC_DATAVERSE_SHARE: share,
  DYNASYNC_DATAVERSE_LIMITS: limitsSpec,
  DYNASYNC_API_RATE_LIMIT: wholeNumber(1, 1_000_000, 100, ' of calls'),
  DYNASYNC_API_RATE_WINDOW_SECONDS: wholeNumber(1, 86_400, 20, ' of seconds'),
  DYNAMICS_URL: optionalString,
  DYNAMICS_USERNAME: optionalString,
  DYNAMICS_PASSWORD: optionalString,
  DYNAMICS_CLIENT_ID: optionalString,
  DYNAMICS_CLIENT_SECRET: optionalString,
  DYNAMICS_TENANT: optionalString,
  DYNAMICS_AUTHORITY: optionalString,
});

export interface Config {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly secretKey: string | undefined;
  readonly logLevel: string;
  readonly intervalSeconds: number;
  readonly pageSize: number;
  /** Used heap (MB) past which a syncing process collects garbage between pages (config/heap.ts); 0: never. */
  readonly heapBudgetMb?: number;
  /** The web UI's admin password; when set it replaces the stored one at start (else set once with the setup code). */
  readonly adminPassword?: string;
  /** Host names the server answers for besides loopback and its listen address (DNS rebinding guard). */
  readonly allowedHosts?: readonly string[];
  /** Where `serve`, `run` and `demo` listen (flags override). Optional so hand-built test configs need not give it. */
  readonly http?: Readonly<{ port: number; host: string }>;
  /** REST API calls allowed per client per window (Marketo: 100 per 20 s). */
  readonly restRateLimit?: Readonly<{ calls: number; windowSeconds: number }>;
  /**
   * dynasync's share of the sync user's Dataverse service protection limits, and those limits
   * (Dataverse's defaults unless DYNASYNC_DATAVERSE_LIMITS changes them, e.g. for the emulator).
   */
  readonly dataverseBudget?: Readonly<{
    share: number;
    limits: Readonly<Partial<Record<'requests' | 'executionMs' | 'concurrent' | 'windowMs', number>>>;
  }>;
  /** Connection settings given through DYNAMICS_* variables (used by `connect` when flags are absent). */
  readonly dynamics: Readonly<DynamicsEnv>;
  /** Where alerts go (alerts-env.ts); absent in hand-built test configs: no alerts. */
  readonly alerts?: AlertsConfig;
  /** Parallel tables and key ranges of a full read (reads-env.ts); absent: the defaults. */
  readonly reads?: ReadsConfig;
}

/** The connection settings `connect` takes, as DYNAMICS_* variables or as its flags of the same names. */
export interface DynamicsEnv {
  url?: string;
  username?: string;
  password?: string;
  clientId?: string;
  clientSecret?: string;
  tenant?: string;
  authority?: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  const alerts = parseAlertsEnv(env);
  const reads = parseReadsEnv(env);
  const issues = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)),
    ...(Array.isArray(alerts) ? alerts : []),
    ...(Array.isArray(reads) ? reads : []),
  ];
  if (!parsed.success || Array.isArray(alerts) || Array.isArray(reads)) throw new ConfigError(issues);
  const e = parsed.data;
  return Object.freeze({
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DYNASYNC_DATA_DIR,
    secretKey: e.DYNASYNC_SECRET_KEY,
    logLevel: e.DYNASYNC_LOG_LEVEL,
    intervalSeconds: e.DYNASYNC_INTERVAL_SECONDS,
    pageSize: e.DYNASYNC_PAGE_SIZE,
    heapBudgetMb: e.DYNASYNC_HEAP_BUDGET_MB,
    adminPassword: e.DYNASYNC_ADMIN_PASSWORD,
    http: Object.freeze({ port: e.DYNASYNC_HTTP_PORT, host: e.DYNASYNC_HTTP_HOST }),
    allowedHosts: Object.freeze(e.DYNASYNC_ALLOWED_HOSTS),
    restRateLimit: Object.freeze({
      calls: e.DYNASYNC_API_RATE_LIMIT,
      windowSeconds: e.DYNASYNC_API_RATE_WINDOW_SECONDS,
    }),
    dataverseBudget: Object.freeze({
      share: e.DYNASYNC_DATAVERSE_SHARE,
      limits: Object.freeze(e.DYNASYNC_DATAVERSE_LIMITS),
    }),
    dynamics: Object.freeze({
      url: e.DYNAMICS_URL,
      username: e.DYNAMICS_USERNAME,
      password: e.DYNAMICS_PASSWORD,
      clientId: e.DYNAMICS_CLIENT_ID,
      clientSecret: e.DYNAMICS_CLIENT_SECRET,
      tenant: e.DYNAMICS_TENANT,
      authority: e.DYNAMICS_AUTHORITY,
    }),
    alerts,
    reads,
  });
}
