/**
 * `<data dir>/runner.json` names the running `dynasync run` process, so `dynasync sync-now` can
 * signal it without opening the lead database (an embedded PGlite database admits one process).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface RunnerRecord {
  readonly pid: number;
  readonly startedAt: string;
}

export const runnerFilePath = (dataDir: string): string => join(dataDir, 'runner.json');

export function writeRunnerFile(path: string): void {
  const record: RunnerRecord = { pid: process.pid, startedAt: new Date().toISOString() };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

export function readRunnerFile(path: string): RunnerRecord | null {
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as Partial<RunnerRecord>;
    return typeof r.pid === 'number' && Number.isInteger(r.pid) && r.pid > 0
      ? { pid: r.pid, startedAt: String(r.startedAt) }
      : null;
  } catch {
    return null;
  }
}

/** Removes the file if it still names this process (a newer runner may have replaced it). */
export function removeRunnerFile(path: string): void {
  if (readRunnerFile(path)?.pid === process.pid) rmSync(path, { force: true });
}
