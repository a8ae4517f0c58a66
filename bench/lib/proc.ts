/**
 * Child processes of the benchmark: every part (emulator, sync, baselines) runs in its own Node
 * process, as in production, so their CPU and memory are measured apart. Children are started as
 * `node <script>` from the compiled build (or `node --import tsx <script>`), never through npx, so
 * the pid we watch is the Node process itself.
 *
 * Protocol: a child prints `BENCH_READY <json>` when it serves and `BENCH_RESULT <json>` when done.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { childArgs } from './build.js';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export interface SpawnOptions {
  readonly env?: Record<string, string | undefined>;
  /** Extra Node flags, e.g. `--cpu-prof` or `--max-old-space-size=...`. */
  readonly nodeArgs?: readonly string[];
  /** Echo the child's stderr (debugging). */
  readonly echo?: boolean;
}

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Highest VmHWM seen while polling /proc (KiB); the child's own maxRSS report is exact. */
  readonly polledPeakRssKb: number;
  readonly wallMs: number;
}

export class BenchChild {
  readonly proc: ChildProcess;
  readonly startedAt = performance.now();
  #stdout = '';
  #stderr = '';
  #peakKb = 0;
  #poll: NodeJS.Timeout;
  #done: Promise<Finished>;
  #lineWaiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];

  constructor(script: string, args: readonly string[], opts: SpawnOptions = {}) {
    this.proc = spawn(
      process.execPath,
      [...childArgs(script, process.env.BENCH_BUILD_DIR, [...profileArgs(), ...(opts.nodeArgs ?? [])]), ...args],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, ...opts.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let pendingLine = '';
    this.proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stdout += chunk;
      const lines = (pendingLine + chunk).split('\n');
      pendingLine = lines.pop() ?? '';
      for (const line of lines) this.#onLine(line);
    });
    this.proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr += chunk;
      if (opts.echo) process.stderr.write(chunk);
    });
    this.#poll = setInterval(() => this.#sample(), 100);
    this.#done = new Promise((resolveDone) => {
      this.proc.once('close', (code, signal) => {
        clearInterval(this.#poll);
        resolveDone({
          code,
          signal,
          stdout: this.#stdout,
          stderr: this.#stderr,
          polledPeakRssKb: this.#peakKb,
          wallMs: performance.now() - this.startedAt,
        });
      });
    });
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  /** Resolves with the JSON after `prefix` on the first line that starts with it. */
  async waitForLine<T>(prefix: string, timeoutMs: number): Promise<T> {
    const m = await this.waitForMatch(new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(.*)$`), timeoutMs);
    return JSON.parse(m[1]!) as T;
  }

  /** Resolves with the match of the first output line (since `afterLine`) that matches `re`. */
  async waitForMatch(re: RegExp, timeoutMs: number, afterLine = 0): Promise<RegExpExecArray> {
    const seen = this.#stdout
      .split('\n')
      .slice(afterLine)
      .map((l) => re.exec(l))
      .find((m) => m !== null);
    if (seen) return seen;
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      new Promise<RegExpExecArray>((res) => this.#lineWaiters.push({ re, resolve: res })),
      this.#done.then((f) => {
        throw new Error(`child exited (${f.code ?? f.signal}) before printing ${re}:\n${tail(f.stderr || f.stdout)}`);
      }),
      new Promise<never>((_, rej) => {
        timer = setTimeout(
          () => rej(new Error(`no ${re} within ${timeoutMs} ms:\n${tail(this.#stdout)}\n${tail(this.#stderr)}`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /** Lines printed so far (to wait for what comes after them). */
  get linesSoFar(): number {
    return this.#stdout.split('\n').length - 1;
  }

  /** Waits for exit; throws with the child's stderr when it failed. */
  async finished(): Promise<Finished> {
    const f = await this.#done;
    if (f.code !== 0) throw new Error(`child failed (${f.code ?? f.signal}):\n${tail(f.stderr || f.stdout)}`);
    return f;
  }

  /** The child's `BENCH_RESULT` JSON, after a clean exit. */
  async result<T>(): Promise<T & { wallMs: number; polledPeakRssKb: number }> {
    const f = await this.finished();
    const line = f.stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
    if (!line) throw new Error(`child printed no BENCH_RESULT:\n${tail(f.stdout)}\n${tail(f.stderr)}`);
    return {
      ...(JSON.parse(line.slice('BENCH_RESULT '.length)) as T),
      wallMs: f.wallMs,
      polledPeakRssKb: f.polledPeakRssKb,
    };
  }

  /** SIGTERM, then SIGKILL after a grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.#done;
    clearTimeout(timer);
  }

  #onLine(line: string): void {
    this.#lineWaiters = this.#lineWaiters.filter((w) => {
      const m = w.re.exec(line);
      if (!m) return true;
      w.resolve(m);
      return false;
    });
  }

  #sample(): void {
    const kb = vmHwmKb(this.pid);
    if (kb > this.#peakKb) this.#peakKb = kb;
  }
}

/** Peak resident set size of a live process, from /proc (0 when unavailable). */
export function vmHwmKb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** `npm run bench -- --profile`: every child writes a V8 CPU profile (see bench/profile-summary.ts). */
function profileArgs(): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** CPU time (user + system) a live process has used so far, in ms (0 when unavailable). */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in clock ticks (100 Hz)
  } catch {
    return 0;
  }
}

const tail = (s: string, n = 3000): string => (s.length > n ? `…${s.slice(-n)}` : s);

/** Runs a script to completion and returns its BENCH_RESULT. */
export async function runEntry<T>(script: string, args: readonly string[], opts: SpawnOptions = {}) {
  return new BenchChild(script, args, opts).result<T>();
}

/** Runs the dynasync CLI (src/main.ts) to completion; throws with its output when it fails. */
export async function runCli(args: readonly string[], opts: SpawnOptions = {}): Promise<Finished> {
  return new BenchChild('src/main.ts', args, opts).finished();
}

/**
 * CPU used by the PostgreSQL backends serving one database (their process titles name it), sampled
 * every 100 ms: a backend's last sample before it exits is its total, give or take one interval.
 */
export class PostgresCpuSampler {
  readonly #last = new Map<number, number>();
  readonly #timer: NodeJS.Timeout;

  constructor(private readonly database: string) {
    this.#timer = setInterval(() => this.#sample(), 100);
    this.#sample();
  }

  #sample(): void {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const pid = Number(name);
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (!cmd.startsWith('postgres: ') || !cmd.includes(` ${this.database} `)) continue;
      } catch {
        continue;
      }
      const ms = cpuMsOf(pid);
      if (ms > 0) this.#last.set(pid, ms);
    }
  }

  /** Stops sampling; returns the CPU ms used since construction by backends seen. */
  stop(baseline = new Map<number, number>()): number {
    this.#sample();
    clearInterval(this.#timer);
    let total = 0;
    for (const [pid, ms] of this.#last) total += ms - (baseline.get(pid) ?? 0);
    return total;
  }

  snapshot(): Map<number, number> {
    this.#sample();
    return new Map(this.#last);
  }
}
