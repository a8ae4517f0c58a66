/**
 * The process's read settings (parallel tables, key ranges): main.ts sets them once from the
 * configuration, as it sets the Dataverse budget, so every cycle of the process (`run`, `sync`,
 * workers) reads the same way without each caller passing them. A cycle's own `reads` wins.
 */
import { DEFAULT_READS, type ReadsConfig } from '../config/index.js';

let current: ReadsConfig = DEFAULT_READS;

export function configureReads(reads: ReadsConfig): void {
  current = Object.freeze({ ...reads });
}

export const readSettings = (given?: ReadsConfig): ReadsConfig => given ?? current;
