/**
 * Figures a reliability run measured (kills survived, faults injected, memory...), written as JSON
 * to RELIABILITY_REPORT_DIR (default: <tmp>/dynasync-reliability) and summarised on stdout, so
 * docs/RELIABILITY.md can quote a run and anyone can reproduce it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FULL } from './mode.js';

export const REPORT_DIR = process.env.RELIABILITY_REPORT_DIR || join(tmpdir(), 'dynasync-reliability');

export function recordFigures(name: string, figures: Record<string, unknown>): string {
  mkdirSync(REPORT_DIR, { recursive: true });
  const path = join(REPORT_DIR, `${name}-${FULL ? 'full' : 'quick'}.json`);
  const body = { name, mode: FULL ? 'full' : 'quick', at: new Date().toISOString(), ...figures };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`);
  process.stdout.write(`[reliability] ${name}: ${JSON.stringify(figures)}\n  → ${path}\n`);
  return path;
}
