/**
 * How well the initial sync's pipeline uses the machine, from the end-to-end cycle and the two
 * baselines on the same records (fetch-only: read every page and parse it; load-only: map and
 * store rows already in memory).
 *
 * - `efficiency` = max(fetch, load) / end-to-end: 1 when the pipeline hides the shorter half
 *   entirely, as it can when the halves use different resources. On two cores it cannot reach 1
 *   when both halves are CPU-bound and share them (the emulator, the sync and PostgreSQL all run
 *   here), hence the second figure.
 * - `cpuSharedBound`: the rate if the halves took turns on the same CPU, 1 / (1/fetch + 1/load) in
 *   records/s (fetch-only time + load-only time, in time); `vsCpuSharedBound` = end-to-end rate /
 *   that bound: above 1 the pipeline overlaps the halves, below 1 it loses time beyond sharing.
 * - CPU microseconds per record of the sync process (the cycle only) and of the PostgreSQL
 *   backends serving it (PostgreSQL only; on PGlite the database runs inside the sync process):
 *   the figures that hold on a real deployment, where the emulator's share moves to Microsoft.
 */
import { perSec } from '../scenarios/types.js';

export interface EfficiencyInput {
  readonly records: number;
  readonly cycleMs: number;
  readonly fetchMs: number;
  readonly loadMs: number;
  readonly syncCpuMs: number;
  /** Undefined on PGlite. */
  readonly postgresCpuMs: number | undefined;
}

export interface EfficiencyFigures {
  readonly efficiency: number;
  readonly cpuSharedBound: { readonly ms: number; readonly recordsPerSec: number };
  readonly vsCpuSharedBound: number;
  readonly cpuUsPerRecord: { readonly sync: number; readonly postgres: number | null };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const ratio = (a: number, b: number): number => (b > 0 ? round2(a / b) : 0);
const usPerRecord = (cpuMs: number, records: number): number =>
  records > 0 ? Math.round((cpuMs * 1000) / records) : 0;

export function efficiencyFigures(i: EfficiencyInput): EfficiencyFigures {
  const sharedMs = i.fetchMs + i.loadMs;
  return {
    efficiency: ratio(Math.max(i.fetchMs, i.loadMs), i.cycleMs),
    cpuSharedBound: { ms: Math.round(sharedMs), recordsPerSec: perSec(i.records, sharedMs) },
    // (records / cycle) / (records / (fetch + load)).
    vsCpuSharedBound: ratio(sharedMs, i.cycleMs),
    cpuUsPerRecord: {
      sync: usPerRecord(i.syncCpuMs, i.records),
      postgres: i.postgresCpuMs === undefined ? null : usPerRecord(i.postgresCpuMs, i.records),
    },
  };
}
