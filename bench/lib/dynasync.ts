/**
 * dynasync as the scenarios drive it: `connect` and `fields --defaults` through the real CLI, then
 * sync cycles and the two baselines as separate processes on the scenario's database.
 */
import type { BenchDb } from './database.js';
import type { EmulatorProcess } from './emulator.js';
import { PostgresCpuSampler, runCli, runEntry } from './proc.js';
import { PASSWORD } from './webapi.js';

export interface TableCounts {
  entity: string;
  status: string;
  fullRead: boolean;
  pages: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  skipped: number;
  activities: number;
  error?: string;
}

export interface CycleReport {
  cycleMs: number;
  /** Time the cycle sat waiting for pages from Dynamics (the rest is mapping and storing). */
  waitedForPagesMs: number;
  status: string;
  cpuMs: number;
  committedAtMs: Record<string, number>;
  tables: TableCounts[];
}

export interface SyncReport {
  cycles: CycleReport[];
  client: { requests: number; retries: number; throttledResponses: number; throttledMs: number };
  afterSql?: Record<string, unknown>[];
  /** Statement times by statement, when asked for (`sqlTiming`). */
  sql?: Record<string, { count: number; ms: number }>;
  /** CPU of the PostgreSQL backends serving the sync (PostgreSQL only). */
  postgresCpuMs?: number;
  maxRssKb: number;
  polledPeakRssKb: number;
  wallMs: number;
}

export async function connect(emu: EmulatorProcess, db: BenchDb): Promise<void> {
  await runCli(
    [
      'connect',
      '--url',
      emu.url,
      '--authority',
      emu.url,
      '--tenant',
      'contoso',
      '--username',
      'sync@contoso.test',
      '--password',
      PASSWORD,
      '--client-id',
      'dynasync-local',
    ],
    { env: db.env },
  );
  await runCli(['fields', '--defaults'], { env: db.env });
}

export async function sync(
  db: BenchDb,
  opts: { cycles?: number; afterSql?: string; nodeArgs?: string[]; sqlTiming?: boolean } = {},
): Promise<SyncReport> {
  // `--name=value`: a value may start with a dash.
  const args = [
    `--cycles=${opts.cycles ?? 1}`,
    ...(opts.afterSql ? [`--after-sql=${opts.afterSql}`] : []),
    ...(opts.sqlTiming ? ['--sql-timing=true'] : []),
  ];
  const sampler = db.name ? new PostgresCpuSampler(db.name) : undefined;
  try {
    const report = await runEntry<SyncReport>('bench/entries/sync.ts', args, { env: db.env, nodeArgs: opts.nodeArgs });
    return sampler ? { ...report, postgresCpuMs: sampler.stop() } : report;
  } finally {
    sampler?.stop();
  }
}

export interface FetchOnly {
  totalMs: number;
  rows: number;
  rowsPerSec: number;
  tables: Record<string, { rows: number }>;
  maxRssKb: number;
}
export const fetchOnly = (db: BenchDb, prefetch: boolean): Promise<FetchOnly> =>
  runEntry<FetchOnly>('bench/entries/fetch-only.ts', [`--prefetch=${prefetch}`], { env: db.env });

export interface LoadOnly {
  totalMs: number;
  rows: number;
  rowsPerSec: number;
  maxRssKb: number;
}
export const loadOnly = (db: BenchDb, rows: Record<string, number>): Promise<LoadOnly> =>
  runEntry<LoadOnly>('bench/entries/load-only.ts', [`--rows=${JSON.stringify(rows)}`], { env: db.env });

/** Records a cycle stored (inserted + updated + unchanged + deleted + skipped). */
export const recordsOf = (c: CycleReport): number =>
  c.tables.reduce((a, t) => a + t.inserted + t.updated + t.unchanged + t.deleted + t.skipped, 0);

export const activitiesOf = (c: CycleReport): number => c.tables.reduce((a, t) => a + t.activities, 0);

export function assertSucceeded(c: CycleReport): void {
  if (c.status !== 'success') {
    throw new Error(
      `sync cycle ${c.status}: ${c.tables
        .filter((t) => t.error)
        .map((t) => `${t.entity}: ${t.error}`)
        .join('; ')}`,
    );
  }
}
