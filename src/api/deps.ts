/**
 * What the HTTP server (REST API, admin API, web UI) gets from its caller. `serve`, `run` and
 * `demo` build one of these; tests build one over a test database. Optional parts are absent when
 * the process has no runner (plain `serve`): sync-now then answers that no runner is waiting.
 */
import type { Config, Logger } from '../config/index.js';
import type { Db } from '../store/db/types.js';
import type { SecretBox } from '../store/secrets.js';
import type { RunnerHealth } from '../sync/runner-health.js';

/** The sync loop as the API sees it (implemented by sync/runner.ts SyncRunner). */
export interface RunnerControl {
  readonly nextCycleAt: Date | null;
  /** The live runner's health (null until it is attached). */
  readonly health?: RunnerHealth | null;
  syncNow(): void;
  /** A push notification was recorded: read the notified tables now (absent without a runner). */
  pushNow?(): void;
}

/** REST API limits (Marketo's defaults when absent: 100 calls per 20 s per client, 1-hour tokens). */
export interface RestOptions {
  readonly rateLimit?: { readonly calls: number; readonly windowMs: number };
  readonly tokenTtlSeconds?: number;
}

export interface ApiDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Db;
  readonly secretBox: SecretBox;
  readonly runner?: RunnerControl;
  readonly rest?: RestOptions;
}
