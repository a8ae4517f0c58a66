/**
 * Resident memory of another process, sampled from /proc (Linux), and whether it stays flat:
 * a least-squares slope over the samples after warm-up, in MB per minute.
 */
import { readFileSync } from 'node:fs';

export interface Sample {
  readonly atMs: number;
  readonly rssMb: number;
}

export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export interface MemoryFigures {
  readonly samples: number;
  readonly warmupSeconds: number;
  readonly firstMb: number;
  readonly afterWarmupMb: number;
  readonly lastMb: number;
  readonly maxMb: number;
  /** Least-squares slope of RSS after warm-up, MB per minute. */
  readonly slopeMbPerMin: number;
  /** Mean of the last quarter minus the mean of the first quarter after warm-up, MB. */
  readonly growthMb: number;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const round = (x: number): number => Math.round(x * 10) / 10;

export function memoryFigures(samples: readonly Sample[], warmupMs: number): MemoryFigures {
  if (samples.length < 4) throw new Error(`too few memory samples (${samples.length})`);
  const t0 = samples[0]!.atMs;
  let steady = samples.filter((s) => s.atMs - t0 >= warmupMs);
  if (steady.length < 4) steady = samples.slice(Math.floor(samples.length / 2));
  const xs = steady.map((s) => (s.atMs - t0) / 60_000);
  const ys = steady.map((s) => s.rssMb);
  const mx = mean(xs);
  const my = mean(ys);
  const slope =
    xs.reduce((acc, x, i) => acc + (x - mx) * (ys[i]! - my), 0) /
    Math.max(
      1e-9,
      xs.reduce((acc, x) => acc + (x - mx) ** 2, 0),
    );
  const q = Math.max(1, Math.floor(steady.length / 4));
  return {
    samples: samples.length,
    warmupSeconds: Math.round(warmupMs / 1000),
    firstMb: round(samples[0]!.rssMb),
    afterWarmupMb: round(steady[0]!.rssMb),
    lastMb: round(samples.at(-1)!.rssMb),
    maxMb: round(Math.max(...samples.map((s) => s.rssMb))),
    slopeMbPerMin: round(slope),
    growthMb: round(mean(ys.slice(-q)) - mean(ys.slice(0, q))),
  };
}
