/** Request input (query strings, JSON bodies, path ids) checked with zod; a bad one is a 400 listing every problem. */
import { z } from 'zod';
import { InvalidInputError } from '../../domain/index.js';

export function parseInput<T>(schema: z.ZodType<T>, input: unknown, what = 'request'): T {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  throw new InvalidInputError('invalid_input', `Invalid ${what}: ${problems.join('; ')}`);
}

/** A positive whole number given as text (ids in paths and cursors). */
export const positiveId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Page size: 1..max, default `fallback`. */
export const pageLimit = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/** Optional search text: trimmed, empty means none. */
export const searchText = z
  .string()
  .max(200)
  .trim()
  .optional()
  .transform((s) => (s ? s : undefined));

/**
 * Opaque paging cursors: the client passes back what it was given. They are base64url JSON so the
 * paging key can change without breaking the contract.
 */
export function encodeCursor(value: Record<string, number>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<K extends string>(cursor: string | undefined, key: K): number | undefined {
  if (!cursor) return undefined;
  try {
    const v = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>)[key];
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  } catch {
    // falls through to the error below
  }
  throw new InvalidInputError('invalid_cursor', 'The cursor is not one this API gave out');
}
