/**
 * Emulators and synced databases are expensive (the large seed takes ~15 s to build and a minute or
 * more to sync), so one harness run keeps them for the scenarios that follow: the initial sync of
 * (seed, backend) is done once and the idle, incremental and API scenarios continue from it.
 * Everything is stopped and dropped by close().
 */
import { createBenchDb, type Backend, type BenchDb } from './database.js';
import { connect, sync, type SyncReport } from './dynasync.js';
import { startEmulatorProcess, type EmulatorProcess } from './emulator.js';
import { runCli } from './proc.js';

export interface Synced {
  readonly emu: EmulatorProcess;
  readonly db: BenchDb;
  /** The initial sync's report (its process's peak RSS included). */
  readonly initial: SyncReport;
  /** CPU time the emulator spent serving the initial sync (ms). */
  readonly initialEmulatorCpuMs: number;
}

export class Workbench {
  readonly #emulators = new Map<string, Promise<EmulatorProcess>>();
  readonly #synced = new Map<string, Promise<Synced>>();
  readonly #dbs: BenchDb[] = [];

  /** `customTables`: custom tables every new database enables before its first sync (`--custom-table`). */
  constructor(
    private readonly log: (msg: string) => void,
    private readonly customTables: readonly string[] = [],
  ) {}

  /** An emulator per (seed, fan-out, owner): a scenario that writes to Dynamics gets its own. */
  emulator(seed: string, opts: { fanOut?: number; owner?: string } = {}): Promise<EmulatorProcess> {
    const key = `${seed}/${opts.fanOut ?? 0}/${opts.owner ?? ''}`;
    let e = this.#emulators.get(key);
    if (!e) {
      this.log(`starting emulator (seed ${seed}${opts.fanOut ? `, fan-out account of ${opts.fanOut}` : ''})`);
      e = startEmulatorProcess(seed, opts);
      this.#emulators.set(key, e);
    }
    return e;
  }

  /** A new database, connected to `emu` with the default field selection and the custom tables (not synced yet). */
  async database(emu: EmulatorProcess, backend: Backend): Promise<BenchDb> {
    const db = await createBenchDb(backend);
    this.#dbs.push(db);
    await connect(emu, db);
    for (const table of this.customTables) await runCli(['tables', '--enable', table], { env: db.env });
    return db;
  }

  /** (seed, backend) after its initial sync, on its own emulator. */
  synced(seed: string, backend: Backend, opts: { fanOut?: number } = {}): Promise<Synced> {
    const key = `${seed}/${backend}/${opts.fanOut ?? 0}`;
    let s = this.#synced.get(key);
    if (!s) {
      s = (async () => {
        const emu = await this.emulator(seed, { ...opts, owner: backend });
        const db = await this.database(emu, backend);
        this.log(`initial sync: seed ${seed} on ${backend}`);
        const cpu0 = emu.cpuMs();
        const initial = await sync(db, { sqlTiming: true });
        return { emu, db, initial, initialEmulatorCpuMs: emu.cpuMs() - cpu0 };
      })();
      this.#synced.set(key, s);
    }
    return s;
  }

  async close(): Promise<void> {
    const emus = await Promise.allSettled(this.#emulators.values());
    for (const e of emus) if (e.status === 'fulfilled') await e.value.stop();
    for (const db of this.#dbs)
      await db.drop().catch((err: unknown) => this.log(`could not drop a bench database: ${String(err)}`));
  }
}
