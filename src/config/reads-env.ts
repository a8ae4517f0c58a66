/**
 * How a full read uses Dataverse's budget (issue 12 §4): tables that do not depend on each other
 * read at once, and a large table read in several primary-key ranges at once. Parsed once, with
 * the rest of the configuration.
 */
import { z } from 'zod';

export interface ReadsConfig {
  /** Read independent tables at once during a full read (DYNASYNC_PARALLEL_TABLES, default on). */
  readonly parallelTables: boolean;
  /** Key ranges a large table's full read is split into (DYNASYNC_READ_RANGES, default 1: off until a quiet-machine run shows ranges beat one cursor). */
  readonly ranges: number;
  /** Rows (Dataverse's estimate) from which a table is read in ranges (DYNASYNC_RANGE_MIN_ROWS, default 50,000). */
  readonly rangeMinRows: number;
}

export const DEFAULT_READS: ReadsConfig = Object.freeze({ parallelTables: true, ranges: 1, rangeMinRows: 50_000 });

const flag = z
  .string()
  .trim()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw === '') return DEFAULT_READS.parallelTables;
    if (/^(1|true|on|yes)$/i.test(raw)) return true;
    if (/^(0|false|off|no)$/i.test(raw)) return false;
    ctx.addIssue({ code: 'custom', message: `must be true or false, got ${JSON.stringify(raw)}` });
    return z.NEVER;
  });

const whole = (min: number, max: number, def: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return def;
      const n = Number(raw.replace(/_/g, ''));
      if (/^\d[\d_]*$/.test(raw) && n >= min && n <= max) return n;
      ctx.addIssue({
        code: 'custom',
        message: `must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
      });
      return z.NEVER;
    });

const ReadsSchema = z.object({
  DYNASYNC_PARALLEL_TABLES: flag,
  DYNASYNC_READ_RANGES: whole(1, 64, DEFAULT_READS.ranges),
  DYNASYNC_RANGE_MIN_ROWS: whole(1, 1_000_000_000, DEFAULT_READS.rangeMinRows),
});

/** The read settings, or the problems found (as `NAME: message` lines). */
export function parseReadsEnv(env: Record<string, string | undefined>): ReadsConfig | string[] {
  const parsed = ReadsSchema.safeParse(env);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const e = parsed.data;
  return Object.freeze({
    parallelTables: e.DYNASYNC_PARALLEL_TABLES,
    ranges: e.DYNASYNC_READ_RANGES,
    rangeMinRows: e.DYNASYNC_RANGE_MIN_ROWS,
  });
}
