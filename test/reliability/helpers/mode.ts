/**
 * Quick or full. `npm test` runs the quick version (small seed, few kills, a 30-second soak) so CI
 * stays within a couple of minutes; `npm run test:reliability` sets RELIABILITY_MODE=full (medium
 * seed, at least 20 kills, a 10-minute soak). Single figures can be overridden through the env.
 */
export const FULL = process.env.RELIABILITY_MODE === 'full';

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** The seed of every random choice in these tests: the same seed replays the same kill points and edits. */
export const RELIABILITY_SEED = envInt('RELIABILITY_SEED', 20_240_611);
