/**
 * The cost model: how long Dataverse would work on a request. A page of 5,000 rows and 20 columns
 * costs 50 + 1,000 + 2,000 ms ≈ 3 s with the defaults, which is what a real organization takes for
 * one (docs/PERFORMANCE.md gives the sources). The pipeline holds the answer until that time has
 * passed since admission and charges it, not the emulator's own (much shorter) time, against the
 * execution-time limit, so concurrency and the 1,200 s per 5 minutes budget bite as they do there.
 */
import type { RequestWork } from '../http/types.js';
import type { CostModel } from '../options.js';

export interface CostInput {
  readonly method: string;
  /** What the handler reported serving or writing; absent for errors, counts and metadata. */
  readonly work?: RequestWork;
  /** Operations inside a $batch (0 for any other request). */
  readonly batchOperations: number;
}

/** Modeled server milliseconds of one request. */
export function modeledMs(model: CostModel, input: CostInput): number {
  const { work } = input;
  if (work) return model.baseMs + work.rows * model.perRowMs + work.rows * work.columns * model.perCellMs;
  // Each operation of a batch is a write of one row, run one after another on the server.
  if (input.batchOperations > 0) return input.batchOperations * (model.baseMs + model.perRowMs);
  if (input.method !== 'GET') return model.baseMs + model.perRowMs;
  return model.baseMs;
}

/** Waits `ms` of real time (the answer is held; the emulator's event loop stays free). */
export const hold = (ms: number): Promise<void> =>
  ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
