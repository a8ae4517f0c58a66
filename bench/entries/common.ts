/** Helpers for the benchmark's child entry scripts (each runs in its own process). */
import { parseArgs } from 'node:util';

/** Prints the result line the harness reads, with this process's peak RSS (exact, from the kernel). */
export function emit(result: Record<string, unknown>): void {
  const maxRssKb = process.resourceUsage().maxRSS;
  const m = process.memoryUsage();
  const memoryAtEndMb = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v / 2 ** 20)]));
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ ...result, maxRssKb, memoryAtEndMb })}\n`);
}

export function ready(info: Record<string, unknown>): void {
  process.stdout.write(`BENCH_READY ${JSON.stringify(info)}\n`);
}

/** `--name value` options, all strings. */
export function options(names: readonly string[]): Record<string, string | undefined> {
  const { values } = parseArgs({
    options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
    strict: true,
  });
  return values as Record<string, string | undefined>;
}

export const ms = (t0: number): number => Math.round((performance.now() - t0) * 10) / 10;

/** Runs main and exits with a message on failure (no stack trace noise in the harness's report). */
export function run(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
