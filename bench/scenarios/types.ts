import type { Backend } from '../lib/database.js';
import type { Workbench } from '../lib/workbench.js';

export interface ScenarioContext {
  readonly bench: Workbench;
  /** The seed asked for on the command line, or undefined for the scenario's default. */
  readonly seed: string | undefined;
  readonly backends: readonly Backend[];
  readonly log: (msg: string) => void;
  /** `--duration`: seconds of load for scenarios that run one (push). */
  readonly durationSeconds?: number;
  /** `--orgs`, `--busy`, `--workers 1,2,4`: the fleet scenario's organizations and worker counts. */
  readonly orgs?: number;
  readonly busy?: number;
  readonly workers?: readonly number[];
}

export interface Target {
  readonly what: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Run only when named with --scenario (the fleet scenario takes long). */
  readonly optIn?: boolean;
  run(ctx: ScenarioContext): Promise<Record<string, unknown>>;
}

export const mb = (kb: number): number => Math.round(kb / 1024);
export const perSec = (n: number, ms: number): number => (ms > 0 ? Math.round(n / (ms / 1000)) : 0);
export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor((s.length - 1) / 2)]!;
};
