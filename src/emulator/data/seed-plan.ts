/** How many rows each seed size generates. */
import type { SeedName } from '../options.js';

export interface SeedPlan {
  accounts: number;
  contacts: number;
  /** Contacts of the few very large accounts (more than one 5,000-row page each). */
  bigAccounts: number[];
  leads: number;
  opportunities: number;
  /** Generated sales reps besides the identity users. */
  reps: number;
}

const plan = (accounts: number, contacts: number, bigAccounts: number[] = []): SeedPlan => ({
  accounts,
  contacts,
  bigAccounts,
  // About one lead per ten contacts, as in a typical sales organization's Dynamics.
  leads: Math.ceil(contacts / 10),
  opportunities: Math.ceil(accounts / 4),
  reps: 20,
});

export function seedPlan(seed: SeedName | number): SeedPlan {
  if (typeof seed === 'number') {
    if (!Number.isInteger(seed) || seed < 0)
      throw new RangeError(`seed must be a size name or a non-negative integer, got ${seed}`);
    return plan(seed, seed * 10, seed >= 10_000 ? [6_000, 7_500] : []);
  }
  switch (seed) {
    case 'none':
      return { ...plan(0, 0), reps: 0 };
    case 'small':
      return plan(200, 2_000);
    case 'medium':
      return plan(10_000, 100_000, [6_200, 7_100, 7_900]);
    case 'large':
      return plan(100_000, 1_000_000, [6_000, 6_600, 7_200, 7_700, 8_000]);
  }
}
