/** The conditions a figure was measured under: the machine, and how busy it was. */
import { cpus, loadavg, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly ramGb: number;
  readonly node: string;
  readonly postgres: string | null;
}

export function machine(postgresVersion: string | null): Machine {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    ramGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: postgresVersion,
  };
}

/** `uptime`'s load averages (1, 5, 15 min): other engineers share this machine. */
export const load = (): number[] => loadavg().map((l) => Math.round(l * 100) / 100);

export function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}
