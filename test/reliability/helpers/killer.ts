/**
 * Kill -9 at chosen points of a running sync. A point is either a moment of start-up (module load,
 * opening the database, migrations, sign-in) or "the n-th page request of a table, plus a jitter",
 * observed from the emulator's own request counts, so kills land inside page transfers, mapping,
 * transactions and commits alike rather than at one repeatable moment.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnCli, type CliEnv, type CliResult } from './cli.js';
import type { Prng } from './prng.js';

export type KillPoint =
  | { readonly kind: 'startup'; readonly afterMs: number }
  | { readonly kind: 'page'; readonly resource: string; readonly nth: number; readonly jitterMs: number };

export interface KillOutcome {
  readonly point: KillPoint;
  /** False when the process finished before the point was reached. */
  readonly killed: boolean;
  readonly result: CliResult;
  /** Page requests per resource this run made. */
  readonly served: Record<string, number>;
}

export const describePoint = (p: KillPoint): string =>
  p.kind === 'startup' ? `start-up +${p.afterMs} ms` : `${p.resource} page ${p.nth} +${p.jitterMs} ms`;

/**
 * Pages still to read per table, in cycle order, estimated from what earlier runs were served:
 * a killed run loses at most the page in flight.
 */
export class PageBudget {
  readonly #remaining = new Map<string, number>();

  constructor(pages: ReadonlyArray<readonly [resource: string, pages: number]>) {
    for (const [r, n] of pages) this.#remaining.set(r, Math.max(1, n));
  }

  get total(): number {
    return [...this.#remaining.values()].reduce((a, b) => a + b, 0);
  }

  /** A point among the next `spread` pages (spread keeps kills spaced over a long read). */
  pick(rng: Prng, spread: number, startupShare: number, maxJitterMs: number): KillPoint {
    if (rng.next() < startupShare) return { kind: 'startup', afterMs: rng.int(100, 2500) };
    let n = rng.int(1, Math.max(1, Math.min(this.total, spread)));
    for (const [resource, left] of this.#remaining) {
      if (n <= left) return { kind: 'page', resource, nth: n, jitterMs: rng.int(0, maxJitterMs) };
      n -= left;
    }
    const last = [...this.#remaining.keys()].at(-1)!;
    return { kind: 'page', resource: last, nth: 1, jitterMs: rng.int(0, maxJitterMs) };
  }

  observe(o: KillOutcome): void {
    for (const [r, left] of this.#remaining) {
      const served = o.served[r] ?? 0;
      const lost = o.killed && o.point.kind === 'page' && o.point.resource === r ? 1 : 0;
      this.#remaining.set(r, Math.max(0, left - Math.max(0, served - lost)));
    }
    for (const [r, left] of this.#remaining) if (left === 0) this.#remaining.delete(r);
    if (this.#remaining.size === 0) this.#remaining.set('contacts', 1);
  }
}

/** Starts `args`, kills it with SIGKILL at `point` unless it ends first, and reports what happened. */
export async function runUntilKilled(
  args: readonly string[],
  env: CliEnv,
  point: KillPoint,
  pageCount: (resource: string) => number,
  resources: readonly string[],
): Promise<KillOutcome> {
  const before = Object.fromEntries(resources.map((r) => [r, pageCount(r)]));
  const run = spawnCli(args, env);
  let exited = false;
  void run.done.then(
    () => (exited = true),
    () => (exited = true),
  );
  const trigger = async (): Promise<void> => {
    if (point.kind === 'startup') {
      await sleep(point.afterMs);
    } else {
      while (!exited && pageCount(point.resource) - before[point.resource]! < point.nth) await sleep(2);
      await sleep(point.jitterMs);
    }
    if (!exited) run.child.kill('SIGKILL');
  };
  await Promise.all([trigger(), run.done.catch(() => undefined)]);
  const result = await run.done;
  const served = Object.fromEntries(resources.map((r) => [r, pageCount(r) - before[r]!]));
  return { point, killed: result.signal === 'SIGKILL', result, served };
}
