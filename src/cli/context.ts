/** What every command gets from main.ts: configuration, logger, output, and the database. */
import type { Config, Logger } from '../config/index.js';
import type { Db } from '../store/db/types.js';
import type { FleetDb, Organization } from '../store/fleet/index.js';
import type { SecretBox } from '../store/secrets.js';

export interface EmulatorLaunch {
  port: number;
  seed: string | number;
  admin: boolean;
  /** Add one account with this many contacts, so the 5,000-person activity cap shows. */
  bigAccountContacts?: number;
  /** Model Dataverse's server time (hold answers, charge it against the execution-time limit). */
  costModel?: boolean;
}

export interface RunningEmulator {
  readonly url: string;
  readonly tokenEndpoint: string;
  close(): Promise<void>;
}

export interface CliContext {
  readonly config: Config;
  readonly logger: Logger;
  /** Human output (stdout). */
  readonly out: NodeJS.WriteStream;
  /** Opens the lead database (migrated), runs fn, closes it. */
  withStore<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** The demo's own lead database, emptied first (PGlite in <data dir>/demo, or DATABASE_URL's). */
  withDemoStore<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  secretBox(): SecretBox;
  /** The organization named by the global `--org` (program.ts sets it before each command). */
  selectOrg?(name: string | undefined): void;
  /** The name `--org` gave (undefined when none). */
  selectedOrg?(): string | undefined;
  /** The fleet registry (PostgreSQL only: a clear error on PGlite), opened for fn. */
  withFleet?<T>(fn: (fleet: FleetDb) => Promise<T>): Promise<T>;
  /** This organization's lead database (migrated), for fn. */
  withOrgStore?<T>(org: Organization, fn: (db: Db) => Promise<T>): Promise<T>;
  /** The emulator lives outside cli/ (one-way rule): main.ts injects it. */
  startEmulator(launch: EmulatorLaunch): Promise<RunningEmulator>;
}

/** The fleet parts of the context (optional there: test contexts without a fleet leave them out). */
export function fleetOf(ctx: CliContext): Required<Pick<CliContext, 'withFleet' | 'withOrgStore'>> {
  const { withFleet, withOrgStore } = ctx;
  if (!withFleet || !withOrgStore) throw new Error('This command context has no fleet (organizations)');
  return { withFleet, withOrgStore };
}

export const print = (ctx: CliContext, line = ''): void => {
  ctx.out.write(`${line}\n`);
};

/** Lists are given as `a,b c` (commas or spaces). */
export const parseList = (v: string | undefined): string[] =>
  (v ?? '')
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
