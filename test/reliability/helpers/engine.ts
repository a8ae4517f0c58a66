/**
 * The sync engine in process, composed from its real parts the way main.ts does (a real Dataverse
 * client over real HTTP to the emulator, the real store), with two windows to look through: the
 * client's HTTP exchanges and the pino log lines. For fault, bad-input and drift scenarios, where
 * a child process per cycle would add nothing but start-up time.
 */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../src/config/logger.js';
import type { SyncEntity } from '../../../src/domain/index.js';
import { DataverseClient, type RetryOptions, type ThrottleOptions } from '../../../src/dataverse/index.js';
import type { EmulatorHandle } from '../../../src/emulator/index.js';
import { runCycle, type CycleDeps, type CycleResult } from '../../../src/sync/cycle.js';
import { FIELD_ENTITIES, saveFieldSelection } from '../../../src/sync/fields.js';
import { buildStatus, type SyncStatus } from '../../../src/sync/status.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { compareWithEmulator, type Comparison, type CompareOptions } from './compare.js';
import { readSnapshot, readSyncErrors, type LeadSnapshot, type StoredSyncError } from './lead-db.js';
import { Traffic } from './traffic.js';
import { WebApi } from './web-api.js';

/** Pino output kept in memory, one parsed object per line. */
export class LogCapture {
  readonly lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });

  entries(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  messages(msg: string): Record<string, unknown>[] {
    return this.entries().filter((e) => e.msg === msg);
  }
}

export interface HarnessOptions {
  readonly pageSize?: number;
  /** Omitted with a clientSecret: client credentials. Default sync@contoso.test. */
  readonly username?: string | null;
  readonly password?: string;
  readonly clientSecret?: string;
  /** pino level of the captured log. Default debug. */
  readonly logLevel?: string;
  readonly retry?: RetryOptions;
  readonly throttle?: ThrottleOptions;
  readonly timeoutMs?: number;
}

export class EngineHarness {
  readonly traffic = new Traffic();
  readonly logs = new LogCapture();
  readonly logger: Logger;
  readonly client: DataverseClient;
  readonly rep: WebApi;
  #userId: string | null = null;

  private constructor(
    readonly emu: EmulatorHandle,
    readonly db: TestDb,
    opts: HarnessOptions,
  ) {
    this.logger = createLogger({ level: opts.logLevel ?? 'debug', destination: this.logs.stream });
    const username = opts.username === null ? undefined : (opts.username ?? 'sync@contoso.test');
    this.client = new DataverseClient({
      settings: {
        orgUrl: emu.url,
        authKind: username ? 'password' : 'client_credentials',
        username,
        password: opts.password ?? 'Passw0rd!',
        clientSecret: opts.clientSecret,
        clientId: 'dynasync-local',
        tenant: 'contoso',
        authority: emu.url,
      },
      logger: this.logger,
      maxPageSize: opts.pageSize ?? 5000,
      retry: opts.retry,
      throttle: opts.throttle,
      timeoutMs: opts.timeoutMs,
      http: this.traffic.send,
    });
    this.rep = new WebApi(emu, 'rep@contoso.test');
  }

  /** A fresh test database; with `select`, the default fields selected (what `fields --defaults` does). */
  static async create(emu: EmulatorHandle, opts: HarnessOptions = {}, select = true): Promise<EngineHarness> {
    const h = new EngineHarness(emu, await openTestDb(), opts);
    if (select)
      for (const entity of FIELD_ENTITIES)
        await saveFieldSelection(h.db, h.client, await h.userId(), { entity, defaults: true });
    return h;
  }

  async userId(): Promise<string> {
    return (this.#userId ??= (await this.client.whoAmI()).userId);
  }

  async cycle(extra: Partial<Pick<CycleDeps, 'onPage' | 'signal'>> = {}): Promise<CycleResult> {
    return runCycle(
      { db: this.db, source: this.client, logger: this.logger, userId: await this.userId(), ...extra },
      'manual',
    );
  }

  status(): Promise<SyncStatus> {
    return buildStatus(this.db, this.client);
  }

  snapshot(): Promise<LeadSnapshot> {
    return readSnapshot(this.db);
  }

  async compare(opts?: CompareOptions): Promise<Comparison> {
    return compareWithEmulator(this.rep, await this.snapshot(), opts);
  }

  syncErrors(): Promise<StoredSyncError[]> {
    return readSyncErrors(this.db);
  }

  tableStatus(s: SyncStatus, table: SyncEntity) {
    return s.tables.find((t) => t.table === table)!;
  }

  async close(): Promise<void> {
    await this.db.dispose();
  }
}
