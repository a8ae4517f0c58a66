/** The emulator as a child process (bench/entries/emulator.ts), with its admin API. */
import { BenchChild, cpuMsOf, vmHwmKb } from './proc.js';
import { admin } from './webapi.js';

export interface EmulatorProcess {
  readonly url: string;
  readonly pid: number;
  readonly seedMs: number;
  readonly fanOutAccountId: string | null;
  /** Requests per resource and method since the last reset. */
  requestCounts(): Promise<Record<string, Record<string, number>>>;
  resetRequestCounts(): Promise<void>;
  peakRssKb(): number;
  /** CPU time the emulator has used so far (ms). */
  cpuMs(): number;
  stop(): Promise<void>;
}

export async function startEmulatorProcess(seed: string, opts: { fanOut?: number } = {}): Promise<EmulatorProcess> {
  const args = ['--seed', seed, ...(opts.fanOut ? ['--fan-out', String(opts.fanOut)] : [])];
  // The large seed holds ~1.7 GB: give V8 room so it does not spend the run collecting garbage.
  const child = new BenchChild('bench/entries/emulator.ts', args, { nodeArgs: ['--max-old-space-size=6144'] });
  const info = await child
    .waitForLine<{ url: string; seedMs: number; fanOutAccountId: string | null }>('BENCH_READY ', 300_000)
    .catch(async (err: unknown) => {
      await child.stop();
      throw err;
    });
  return {
    url: info.url,
    pid: child.pid,
    seedMs: info.seedMs,
    fanOutAccountId: info.fanOutAccountId,
    requestCounts: async () =>
      (await admin<{ counts: Record<string, Record<string, number>> }>(info.url, 'GET', '/requests')).counts,
    resetRequestCounts: () => admin(info.url, 'DELETE', '/requests'),
    peakRssKb: () => vmHwmKb(child.pid),
    cpuMs: () => cpuMsOf(child.pid),
    stop: () => child.stop(),
  };
}

/** Raises the service protection limits while a scenario writes its changes (a rep making 11,000 edits). */
export async function withHighLimits<T>(url: string, fn: () => Promise<T>): Promise<T> {
  const before = await admin<Record<string, number>>(url, 'GET', '/limits');
  await admin(url, 'PUT', '/limits', { requests: 1_000_000, executionMs: 1_000_000_000 });
  try {
    return await fn();
  } finally {
    await admin(url, 'PUT', '/limits', before);
  }
}
